// export: the store as a declaration, in a stable order, such that applying it changes
// nothing and applying it to an empty store rebuilds the same. Fields equal to their
// defaults and nulls are left out unless every field is asked for.
#pragma once

#include "core/decl/stream_writer.hpp"
#include "core/store/store.hpp"

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace chatctl {

struct ExportOptions {
    DocumentForm form = DocumentForm::yaml;
    // Every field, defaults and nulls too, and `default:` on every profile.
    bool show_defaults = false;
    // A comment line the YAML starts with (the editor's schema modeline), "" for none.
    std::string comment;
};

// Writes the declaration of the named tenants (every tenant when none is named) as it
// reads them, users one by one. An unknown tenant is not found, before anything is
// written. on_user, when given, is told of each user written.
void export_declaration(Store& store, const std::vector<std::string>& tenants, std::ostream& out,
                        const ExportOptions& options, const std::function<void()>& on_user = {});

// The keys of the named tenants, sorted, each found (not found otherwise); every
// tenant's when none is named.
std::vector<TenantRow> export_tenants(Store& store, const std::vector<std::string>& tenants);

// One tenant's declaration, as export_declaration writes it.
void export_tenant(Store& store, const TenantRow& tenant, std::ostream& out,
                   const ExportOptions& options, const std::function<void()>& on_user = {});

} // namespace chatctl
