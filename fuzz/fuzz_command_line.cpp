// libFuzzer target: the whole command line, run in-process (words split at NUL bytes).
#include "targets.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    chatctl::fuzz::command_line({reinterpret_cast<const char*>(data), size});
    return 0;
}
