package org.relaygate;
public final class Main { public static void main(String[] a) { } }
