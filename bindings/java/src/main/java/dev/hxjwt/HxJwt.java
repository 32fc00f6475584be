package dev.hxjwt;

/** The library this package runs on. */
public final class HxJwt {
    private HxJwt() {}

    /**
     * The version of the loaded libhxjwt ({@code "0.1.0"}).
     *
     * @return the version string
     */
    public static String libraryVersion() {
        return HxNative.staticString(HxNative.hx_version());
    }

    /**
     * Where the library was loaded from: the system property {@code hxjwt.library}, else the
     * environment variable {@code HXJWT_LIB} (each a full path to libhxjwt.so.0), else
     * {@code "hxjwt"}, found by JNA's search ({@code jna.library.path}, the system's).
     *
     * @return the path or name given to JNA
     */
    public static String libraryName() {
        return HxNative.LIBRARY_NAME;
    }
}
