/*
 * seccomp-exec: runs a command under a seccomp filter that denies what dirtypages needs, the way a
 * container's profile does. Built by the integration tests (SeccompLauncher) with gcc at run time.
 *
 *   seccomp-exec [--deny-userfaultfd] [--deny-pagemap-scan] [--] command [args...]
 *
 * --deny-userfaultfd   userfaultfd(2) fails with EPERM (as under Docker's default seccomp profile)
 * --deny-pagemap-scan  ioctl(fd, PAGEMAP_SCAN, ...) fails with ENOTTY (as on a kernel older than 6.7)
 *
 * Everything else is allowed. The filter is inherited by every thread and child of the command.
 * Exit codes: 126 the filter could not be installed, 127 the command could not be executed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_AARCH64
#else
#error "seccomp-exec: unsupported architecture"
#endif

#ifndef __NR_userfaultfd
#error "seccomp-exec: these headers lack __NR_userfaultfd"
#endif

/* _IOWR('f', 16, struct pm_scan_arg), 96 bytes; the machine's headers may predate it. */
#define PAGEMAP_SCAN_CMD 0xc0606610u

#define ARG_LO(n) (offsetof(struct seccomp_data, args[n]))   /* little-endian: low 32 bits first */

int main(int argc, char **argv) {
    int deny_uffd = 0, deny_scan = 0, i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--deny-userfaultfd") == 0) {
            deny_uffd = 1;
        } else if (strcmp(argv[i], "--deny-pagemap-scan") == 0) {
            deny_scan = 1;
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else {
            break;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "usage: seccomp-exec [--deny-userfaultfd] [--deny-pagemap-scan] [--] command [args...]\n");
        return 2;
    }

    /* Each rule is a self-contained block with relative jumps, so that rules can be left out. */
    struct sock_filter filter[16];
    unsigned short n = 0;
    /* Another architecture's system call (e.g. a 32-bit one): allowed, none of ours. */
    filter[n++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    filter[n++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_NATIVE, 1, 0);
    filter[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    filter[n++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
    if (deny_uffd) {
        filter[n++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_userfaultfd, 0, 1);
        filter[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA));
    }
    if (deny_scan) {
        /* Last rule: it overwrites the accumulator, and only ALLOW follows. */
        filter[n++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 0, 3);
        filter[n++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(1));
        filter[n++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PAGEMAP_SCAN_CMD, 0, 1);
        filter[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOTTY & SECCOMP_RET_DATA));
    }
    filter[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog prog = {.len = n, .filter = filter};

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        perror("seccomp-exec: PR_SET_NO_NEW_PRIVS");
        return 126;
    }
    if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
        perror("seccomp-exec: seccomp(SECCOMP_SET_MODE_FILTER)");
        return 126;
    }
    execvp(argv[i], &argv[i]);
    fprintf(stderr, "seccomp-exec: cannot execute %s: %s\n", argv[i], strerror(errno));
    return 127;
}
