package dev.dirtypages.agent.channel;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The channel's directory: the first guard of the channel. Only its owner may enter it, so that another
 * user's {@code connect} fails in the kernel's path lookup ({@code EACCES}) before the socket is reached.
 * A missing directory is created with mode 0700; an existing one is used only if it is a directory (not a
 * link to one), owned by this process's user, and closed to group and others.
 */
final class ChannelDirectory {
    private static final Set<PosixFilePermission> OPEN_TO_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private ChannelDirectory() {
    }

    /**
     * Creates {@code dir} or checks it.
     *
     * @throws IOException with a one-line message naming what is wrong and what to do
     */
    static void prepare(Path dir) throws IOException {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                    EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                            PosixFilePermission.OWNER_EXECUTE)));
        } catch (FileAlreadyExistsException e) {
            // Checked below, like any existing directory (ours from a previous run, or somebody else's).
        }
        PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String fix = "; name a directory that does not exist yet (it is created with mode 0700), or one owned by "
                + "this user with mode 0700";
        if (!attributes.isDirectory()) {
            throw new IOException(dir + " is not a directory" + (attributes.isSymbolicLink() ? " but a symbolic link" : "") + fix);
        }
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int self = euid();
        if (owner != self) {
            throw new IOException(dir + " belongs to uid " + owner + ", not to this process's uid " + self + fix);
        }
        Set<PosixFilePermission> open = EnumSet.copyOf(attributes.permissions());
        open.retainAll(OPEN_TO_OTHERS);
        if (!open.isEmpty()) {
            throw new IOException(dir + " has mode " + PosixFilePermissions.toString(attributes.permissions())
                    + ": others than its owner may enter it" + fix);
        }
    }

    /** This process's effective uid: whom the directory must belong to. */
    static int euid() {
        return Libc.geteuid();
    }

    private static final class Libc {
        static {
            Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        static native int geteuid();
    }
}
