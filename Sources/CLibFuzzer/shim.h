// libFuzzer's entry for programs with their own main (LLVM >= 13). scripts/fuzz.sh links
// libclang_rt.fuzzer_no_main; the normal build never calls it (lava-fuzz's LAVA_FUZZ condition).
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
