#ifndef LAVA_CSECCOMP_SHIM_H
#define LAVA_CSECCOMP_SHIM_H

#include <seccomp.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

// Swift imports neither libseccomp's function-like macros nor its arch tokens (built from
// <linux/audit.h> macros): these static inlines give them to the Seccomp module.

static inline uint32_t lava_scmp_act_errno(uint16_t error) { return SCMP_ACT_ERRNO(error); }

static inline struct scmp_arg_cmp lava_scmp_arg(unsigned int index, enum scmp_compare op, scmp_datum_t a, scmp_datum_t b) {
    struct scmp_arg_cmp comparison = { index, op, a, b };
    return comparison;
}

static inline uint32_t lava_scmp_arch_native(void) { return seccomp_arch_native(); }
static inline uint32_t lava_scmp_arch_x86_64(void) { return SCMP_ARCH_X86_64; }
static inline uint32_t lava_scmp_arch_x86(void) { return SCMP_ARCH_X86; }
static inline uint32_t lava_scmp_arch_x32(void) { return SCMP_ARCH_X32; }
static inline uint32_t lava_scmp_arch_aarch64(void) { return SCMP_ARCH_AARCH64; }
static inline uint32_t lava_scmp_arch_arm(void) { return SCMP_ARCH_ARM; }

// glibc declares it only under _GNU_SOURCE, which Swift's Glibc module is built without.
extern int memfd_create(const char *name, unsigned int flags);

// The filter as libseccomp's PFC text, NUL-terminated and malloc'ed (the caller frees it), or
// NULL with *error set to an errno. Through a memfd: a pipe would hold only 64 KiB unread, and a
// temporary file needs a writable directory.
static inline char *lava_seccomp_export_pfc(const scmp_filter_ctx ctx, int *error) {
    int fd = memfd_create("seccomp-pfc", 1 /* MFD_CLOEXEC */);
    if (fd < 0) { *error = errno; return NULL; }
    int rc = seccomp_export_pfc(ctx, fd);
    if (rc < 0) { *error = -rc; close(fd); return NULL; }
    off_t size = lseek(fd, 0, SEEK_END);
    if (size < 0) { *error = errno; close(fd); return NULL; }
    char *text = malloc((size_t)size + 1);
    if (text == NULL) { *error = ENOMEM; close(fd); return NULL; }
    off_t done = 0;
    while (done < size) {
        ssize_t n = pread(fd, text + done, (size_t)(size - done), done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) { *error = n < 0 ? errno : EIO; free(text); close(fd); return NULL; }
        done += n;
    }
    text[size] = 0;
    close(fd);
    return text;
}

#endif
