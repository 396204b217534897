package dev.ember.cuda.driver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import jcuda.driver.JCudaDriver;

/**
 * Loads JCuda's driver-API native library ({@code libJCudaDriver}) from a private directory, once per
 * JVM, and remembers the outcome.
 *
 * <p>Why: left alone, JCuda's {@code LibUtils} first tries {@code System.loadLibrary} (the
 * {@code java.library.path}, which is fine: a user who put the natives there gets those), and
 * otherwise copies the library out of the jar to {@code ${java.io.tmpdir}/libJCudaDriver-12.6.0-linux-x86_64.so}
 * under that fixed name and loads <em>any file already there</em>. In a shared {@code /tmp} another user
 * could plant that file and have it loaded into every executor, and two JVMs can race on writing it.
 * JCuda offers no option to change the location, and its class initializer loads the library, so
 * the only hook is the {@code java.io.tmpdir} property that {@code LibUtils} reads at that moment.
 * Therefore this class copies the library into a fresh owner-only directory
 * ({@code Files.createTempDirectory("ember-jcuda-")}, mode 700, file mode 600), points
 * {@code java.io.tmpdir} at that directory only while {@code jcuda.driver.JCudaDriver} initializes
 * (under a lock, so two loads never interleave), restores the property, and deletes the file and the
 * directory: a loaded library stays mapped after its file is gone. JDK code that already resolved the
 * temporary directory (e.g. {@code File.createTempFile}) caches it and is not affected; code reading
 * the property directly during those few milliseconds would see the private directory.
 *
 * <p>Only the driver library is loaded: JCuda's NVRTC, runtime, cuBLAS and PTX-compiler bindings
 * need CUDA 12 libraries that Ember neither needs nor ships.
 *
 * <p>Without an NVIDIA driver ({@code libcuda.so.1}) the class initializer throws
 * {@link UnsatisfiedLinkError}, and every later use of the class {@link NoClassDefFoundError}; so the
 * first failure is remembered and rethrown by every later {@link #load()}.
 */
public final class JCudaNatives {
    /** The library as JCuda names it: {@code LibUtils.createLibraryFileName("JCudaDriver-12.6.0-linux-x86_64")}. */
    public static final String LIBRARY_FILE = "libJCudaDriver-12.6.0-linux-x86_64.so";

    private static final String RESOURCE = "/lib/" + LIBRARY_FILE;
    private static final String DRIVER_CLASS = "jcuda.driver.JCudaDriver";
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    /** Guards the attempt and the temporary change of {@code java.io.tmpdir}. */
    private static final Object LOCK = new Object();
    private static boolean attempted;
    private static LinkageError failure;

    private JCudaNatives() {}

    /**
     * Makes sure JCuda's driver library is loaded and JCuda's exceptions are off (Ember checks every
     * return code itself). The first call does the work; later calls return at once or rethrow the
     * first call's error.
     *
     * @throws LinkageError when the library cannot be loaded (typically: no {@code libcuda.so.1})
     */
    public static void load() {
        synchronized (LOCK) {
            if (!attempted) {
                attempted = true;
                failure = attempt();
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** Whether {@link #load()} was called and succeeded. */
    public static boolean loaded() {
        synchronized (LOCK) {
            return attempted && failure == null;
        }
    }

    private static LinkageError attempt() {
        Path dir = null;
        try {
            dir = extract();
            String previous = System.getProperty("java.io.tmpdir");
            if (dir != null) {
                System.setProperty("java.io.tmpdir", dir.toString());
            }
            try {
                Class.forName(DRIVER_CLASS, true, JCudaNatives.class.getClassLoader());
            } finally {
                if (dir != null && previous != null) {
                    System.setProperty("java.io.tmpdir", previous);
                } else if (dir != null) {
                    System.clearProperty("java.io.tmpdir");
                }
            }
            JCudaDriver.setExceptionsEnabled(false);
            return null;
        } catch (LinkageError e) {
            return e;
        } catch (ClassNotFoundException e) {
            NoClassDefFoundError error = new NoClassDefFoundError("JCuda is not on the class path: " + e.getMessage());
            error.initCause(e);
            return error;
        } catch (IOException | UncheckedIOException e) {
            UnsatisfiedLinkError error = new UnsatisfiedLinkError(
                    "cannot extract " + LIBRARY_FILE + " to a private temporary directory: " + e);
            error.initCause(e);
            return error;
        } finally {
            if (dir != null) {
                deleteQuietly(dir);
            }
        }
    }

    /**
     * Copies the library out of the jar into a new owner-only directory and returns that directory,
     * or null when the jar has no library for this platform (JCuda then finds it on
     * {@code java.library.path} or fails with a clear {@link UnsatisfiedLinkError}).
     */
    static Path extract() throws IOException {
        try (InputStream in = JCudaDriver.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return null;
            }
            boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
            Path dir = posix
                    ? Files.createTempDirectory("ember-jcuda-", PosixFilePermissions.asFileAttribute(OWNER_DIR))
                    : Files.createTempDirectory("ember-jcuda-");
            try {
                Path file = dir.resolve(LIBRARY_FILE);
                FileAttribute<?>[] attrs = posix
                        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)}
                        : new FileAttribute<?>[0];
                Files.createFile(file, attrs);
                try (OutputStream out = Files.newOutputStream(file)) {
                    in.transferTo(out);
                }
                return dir;
            } catch (IOException | RuntimeException e) {
                deleteQuietly(dir);
                throw e;
            }
        }
    }

    /** Deletes the extracted library and its directory; a loaded library stays mapped. */
    static void deleteQuietly(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(LIBRARY_FILE));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // A leftover private directory is harmless: nobody else can write to it, and it is not reused.
            dir.toFile().deleteOnExit();
        }
    }
}
