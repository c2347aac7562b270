package dev.dirtypages.agent.offheap;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Adds calls to the bridge ({@code OffHeapHooks}, defined in {@code java.base}) to the JDK's allocation paths,
 * by retransformation:
 *
 * <ul>
 * <li>{@code jdk.internal.misc.Unsafe}: {@code allocateMemory} (the block it returns, before each return),
 *     {@code reallocateMemory} (the old block ends on entry, the new one is returned) and {@code freeMemory}
 *     (on entry, before the memory is released): the lowest level every native allocation of the JDK goes
 *     through ({@code sun.misc.Unsafe} delegates to it, so do direct buffers and FFM arenas). Each allocation
 *     is seen here once.</li>
 * <li>Marks, so that the lowest level knows who asked: {@code java.nio.ByteBuffer.allocateDirect} and the
 *     JDK's temporary direct buffers ({@code sun.nio.ch.Util}) are direct buffers; on JDK 22+ the static
 *     {@code allocate*} methods of {@code jdk.internal.foreign.SegmentFactories} are FFM arenas. A marked
 *     method marks the thread on entry and unmarks it on every exit: before each return, and in a handler
 *     for any throwable that rethrows it.</li>
 * </ul>
 *
 * <p>Written with the ASM that ByteBuddy carries (its {@code net.bytebuddy.jar.asm} copy), not with
 * ByteBuddy's {@code Advice}: this runs inside {@code premain}, before the application's {@code main}, and
 * ByteBuddy's agent builder loads about 1,100 classes to do the same (about 300 ms there, docs/startup.md),
 * against some 40 here. Only instructions are added: no field, no method, no class format change; the maximum
 * stack is recomputed ({@link ClassWriter#COMPUTE_MAXS}, which loads no class) and the one stack map frame
 * added (the handler's) is written out: its locals are the method's parameters, which the JDK's code never
 * reassigns to another type. The bridge's methods catch every throwable themselves.
 */
final class AllocationHooks implements ClassFileTransformer {
    static final String UNSAFE = "jdk.internal.misc.Unsafe";
    static final String BYTE_BUFFER = "java.nio.ByteBuffer";
    static final String NIO_UTIL = "sun.nio.ch.Util";
    static final String SEGMENT_FACTORIES = "jdk.internal.foreign.SegmentFactories";
    /** The first JDK whose FFM API is final (JEP 454), with the segment factory instrumented here. */
    static final int ARENA_FEATURE = 22;

    private static final String HOOKS = Bridge.RUNTIME;
    private static final String THROWABLE = "java/lang/Throwable";

    /** What installation did. */
    record Installed(Set<String> transformed, List<String> errors) {
    }

    private final Set<String> targets;
    private final Set<String> transformed = ConcurrentHashMap.newKeySet();
    private final List<String> errors = new ArrayList<>();

    private AllocationHooks(Set<String> targets) {
        this.targets = targets;
    }

    /**
     * Installs the hooks: the classes are loaded if they are not yet (not initialised) and retransformed; the
     * transformer stays registered, so that a retransformation by anyone else keeps the hooks.
     */
    static Installed install(Instrumentation instrumentation, boolean arenas) {
        List<String> names = new ArrayList<>(List.of(UNSAFE, BYTE_BUFFER, NIO_UTIL));
        if (arenas) {
            names.add(SEGMENT_FACTORIES);
        }
        Set<String> internalNames = ConcurrentHashMap.newKeySet();
        names.forEach(n -> internalNames.add(n.replace('.', '/')));
        AllocationHooks hooks = new AllocationHooks(internalNames);
        instrumentation.addTransformer(hooks, true);
        List<Class<?>> classes = new ArrayList<>();
        for (String name : names) {
            try {
                classes.add(Class.forName(name, false, null));
            } catch (ClassNotFoundException | LinkageError e) {
                hooks.error(name + ": " + e);
            }
        }
        try {
            instrumentation.retransformClasses(classes.toArray(new Class<?>[0]));
        } catch (UnmodifiableClassException | RuntimeException | LinkageError e) {
            // All or nothing (JVMTI RetransformClasses): none of them has the hooks.
            hooks.error("retransforming " + names + ": " + e);
            hooks.transformed.clear();
        }
        synchronized (hooks.errors) {
            return new Installed(Set.copyOf(hooks.transformed), List.copyOf(hooks.errors));
        }
    }

    private void error(String message) {
        synchronized (errors) {
            errors.add(message);
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                            byte[] classFile) {
        if (loader != null || className == null || !targets.contains(className)) {
            return null;
        }
        try {
            byte[] out = transform(className, classFile);
            transformed.add(className.replace('/', '.'));
            return out;
        } catch (Throwable t) {
            error(className + ": " + t);
            return null;
        }
    }

    /** {@code classFile} of the JDK class {@code className} (internal name) with the hooks added. */
    static byte[] transform(String className, byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                return hooked(className, access, name, descriptor, mv);
            }
        }, 0);
        return writer.toByteArray();
    }

    private static MethodVisitor hooked(String owner, int access, String name, String descriptor, MethodVisitor mv) {
        boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
        switch (owner.replace('/', '.')) {
            case UNSAFE:
                if (isStatic) {
                    return mv;
                }
                if (name.equals("allocateMemory") && descriptor.equals("(J)J")) {
                    return new Allocating(mv, -1, 1);
                }
                if (name.equals("reallocateMemory") && descriptor.equals("(JJ)J")) {
                    return new Allocating(mv, 1, 3);
                }
                if (name.equals("freeMemory") && descriptor.equals("(J)V")) {
                    return new Allocating(mv, 1, -1);
                }
                return mv;
            case BYTE_BUFFER:
                return isStatic && name.equals("allocateDirect")
                        ? new Marking(mv, owner, access, descriptor, KIND_DIRECT) : mv;
            case NIO_UTIL:
                return name.equals("getTemporaryDirectBuffer") || name.equals("getTemporaryAlignedDirectBuffer")
                        ? new Marking(mv, owner, access, descriptor, KIND_DIRECT) : mv;
            case SEGMENT_FACTORIES:
                return isStatic && name.startsWith("allocate")
                        ? new Marking(mv, owner, access, descriptor, KIND_ARENA) : mv;
            default:
                return mv;
        }
    }

    private static final int KIND_DIRECT = dev.dirtypages.agent.offheap.bridge.OffHeapHooks.DIRECT;
    private static final int KIND_ARENA = dev.dirtypages.agent.offheap.bridge.OffHeapHooks.ARENA;

    /**
     * An {@code Unsafe} method: {@code freed(address)} on entry (the address in local {@code freedSlot}), and
     * {@code allocated(returned, bytes)} before each return (the size in local {@code bytesSlot}); -1: none.
     */
    private static final class Allocating extends MethodVisitor {
        private final int freedSlot;
        private final int bytesSlot;

        Allocating(MethodVisitor mv, int freedSlot, int bytesSlot) {
            super(Opcodes.ASM9, mv);
            this.freedSlot = freedSlot;
            this.bytesSlot = bytesSlot;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            if (freedSlot >= 0) {
                super.visitVarInsn(Opcodes.LLOAD, freedSlot);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "freed", "(J)V", false);
            }
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode == Opcodes.LRETURN && bytesSlot >= 0) {
                super.visitInsn(Opcodes.DUP2);
                super.visitVarInsn(Opcodes.LLOAD, bytesSlot);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "allocated", "(JJ)V", false);
            }
            super.visitInsn(opcode);
        }
    }

    /** A method that marks the thread with a kind while it runs: {@code mark(kind)} on entry, {@code unmark()} on every exit. */
    private static final class Marking extends MethodVisitor {
        private final int kind;
        private final Object[] parameters;
        private final Label start = new Label();
        private final Label handler = new Label();

        Marking(MethodVisitor mv, String owner, int access, String descriptor, int kind) {
            super(Opcodes.ASM9, mv);
            this.kind = kind;
            this.parameters = frameLocals(owner, access, descriptor);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            super.visitIntInsn(Opcodes.BIPUSH, kind);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "mark", "(I)V", false);
            super.visitLabel(start);
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "unmark", "()V", false);
            }
            super.visitInsn(opcode);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            // Registered last, so that the method's own handlers come first in the exception table.
            super.visitTryCatchBlock(start, handler, handler, null);
            super.visitLabel(handler);
            super.visitFrame(Opcodes.F_FULL, parameters.length, parameters, 1, new Object[] {THROWABLE});
            super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "unmark", "()V", false);
            super.visitInsn(Opcodes.ATHROW);
            super.visitMaxs(maxStack, maxLocals);
        }
    }

    /** The locals of a method's first frame, in ASM's terms: {@code this} (unless static) and the parameters. */
    static Object[] frameLocals(String owner, int access, String descriptor) {
        List<Object> out = new ArrayList<>();
        if ((access & Opcodes.ACC_STATIC) == 0) {
            out.add(owner);
        }
        for (Type t : Type.getArgumentTypes(descriptor)) {
            switch (t.getSort()) {
                case Type.BOOLEAN:
                case Type.BYTE:
                case Type.CHAR:
                case Type.SHORT:
                case Type.INT:
                    out.add(Opcodes.INTEGER);
                    break;
                case Type.LONG:
                    out.add(Opcodes.LONG);
                    break;
                case Type.FLOAT:
                    out.add(Opcodes.FLOAT);
                    break;
                case Type.DOUBLE:
                    out.add(Opcodes.DOUBLE);
                    break;
                case Type.ARRAY:
                    out.add(t.getDescriptor());
                    break;
                default:
                    out.add(t.getInternalName());
            }
        }
        return out.toArray();
    }
}
