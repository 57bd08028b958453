#include "core/csv/import_plan.hpp"

#include "core/decl/converge.hpp"
#include "core/lookup.hpp"

#include <algorithm>
#include <tuple>

namespace chatctl::csv {

void plan_import(Store& store, Declaration& declaration, bool prune, const ChangeSink& emit) {
    std::vector<Diagnostic> missing;
    std::vector<DeclTenant> found;
    for (DeclTenant& t : declaration.tenants) {
        try {
            t.tenant = require_tenant(store, t.tenant.key).tenant; // as it is: unchanged
            found.push_back(std::move(t));
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::not_found) throw;
            std::string message = e.what();
            for (const auto& hint : e.hints())
                message += "; " + hint;
            missing.push_back(Diagnostic{t.at.file, t.at.at.line, t.at.at.column, message});
        }
    }
    declaration.tenants = std::move(found);
    const ApplyOptions options{prune}; // owners left as they are
    ErrorKind kind = ErrorKind::not_found;
    std::vector<Diagnostic> all = std::move(missing);
    try {
        if (all.empty()) {
            converge(store, declaration, options, emit); // emits only when no fault is found
            return;
        }
        converge(store, declaration, options, [](const Change&) {});
    } catch (const Error& e) {
        if (e.diagnostics().empty()) throw;
        kind = e.kind();
        all.insert(all.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
    std::stable_sort(all.begin(), all.end(), [](const Diagnostic& a, const Diagnostic& b) {
        if (a.file != b.file) return a.file < b.file;
        if ((a.line == 0) != (b.line == 0)) return b.line == 0; // "and N more" stays last
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    fail_with(kind, std::move(all));
}

} // namespace chatctl::csv
