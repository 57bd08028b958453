// export: the store as a declaration, every field written out, in a stable order, such
// that applying it changes nothing and applying it to an empty store rebuilds the same.
#pragma once

#include "core/store/store.hpp"

#include <string>
#include <vector>

namespace chatctl {

// The declaration of the named tenants (every tenant when none is named). An unknown
// tenant is not found.
Json export_declaration(Store& store, const std::vector<std::string>& tenants);

} // namespace chatctl
