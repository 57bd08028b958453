#include "core/error.hpp"

namespace chatctl {

const char* kind_name(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::usage:
        return "usage";
    case ErrorKind::not_found:
        return "not_found";
    case ErrorKind::conflict:
        return "conflict";
    case ErrorKind::invalid_input:
        return "invalid_input";
    case ErrorKind::store:
        return "store";
    case ErrorKind::internal:
        return "internal";
    case ErrorKind::output:
        return "output";
    }
    return "internal";
}

} // namespace chatctl
