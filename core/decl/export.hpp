// export: the store as a declaration, every field written out, in a stable order, such
// that applying it changes nothing and applying it to an empty store rebuilds the same.
#pragma once

#include "core/decl/stream_writer.hpp"
#include "core/store/store.hpp"

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace chatctl {

// Writes the declaration of the named tenants (every tenant when none is named) as it
// reads them, users one by one. An unknown tenant is not found, before anything is
// written. on_user, when given, is told of each user written.
void export_declaration(Store& store, const std::vector<std::string>& tenants, std::ostream& out,
                        DocumentForm form, const std::function<void()>& on_user = {});

} // namespace chatctl
