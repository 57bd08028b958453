// libFuzzer target: declarations (reader, schema, checks, planning, engine dry run).
#include "targets.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    chatctl::fuzz::declaration({reinterpret_cast<const char*>(data), size});
    return 0;
}
