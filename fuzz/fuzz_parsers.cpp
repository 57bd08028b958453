// libFuzzer target: durations, integers, names, logins, emails, quoting, YAML scalars.
#include "targets.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    chatctl::fuzz::parsers({reinterpret_cast<const char*>(data), size});
    return 0;
}
