#include "core/decl/declaration.hpp"

#include "core/decl/decl_schema.hpp"
#include "core/decl/plain_user.hpp"
#include "core/validate.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>

namespace chatctl {

namespace {

using nlohmann::json;

using validate::quote;

// A tenant item the schema passed, as declared (its users are kept elsewhere).
DeclTenant tenant_of(const std::string& file, const json& t, const Marked& marks) {
    auto place = [&](const std::vector<std::string>& path) {
        return Place{file, position_of(marks, path)};
    };
    DeclTenant d;
    d.tenant = Tenant{t["tenant"], text_or_null(t, "display_name")};
    d.at = place({});
    d.has_profiles = t.contains("profiles");
    d.has_users = t.contains("users");
    for (size_t k = 0; d.has_profiles && k < t["profiles"].size(); ++k) {
        const json& p = t["profiles"][k];
        const std::string item = std::to_string(k);
        DeclProfile dp;
        dp.profile = Profile{d.tenant.key,
                             p["name"],
                             p.value("default", false),
                             p.value("max_concurrent_chats", kDefaultMaxChats),
                             p.value("wrap_up_seconds", kDefaultWrapUp),
                             text_or_null(p, "description")};
        if (p.contains("default")) dp.is_default = p["default"].get<bool>();
        dp.at = place({"profiles", item});
        dp.default_at = place({"profiles", item, "default"});
        d.profiles.push_back(std::move(dp));
    }
    return d;
}

// Converts the tenants of one document the schema found nothing wrong with, so that
// what only the whole declaration shows (duplicates, defaults) is found in them too.
void convert(const Source& source, const YamlDocument& doc, const SchemaVerdict& verdict,
             size_t first_number, Declaration& out) {
    const json& tenants = doc.value["tenants"];
    const Marked* marks = doc.marks.field("tenants");
    for (size_t i = 0; i < tenants.size(); ++i) {
        if (verdict.tenant_failed[i]) continue;
        DeclTenant t = tenant_of(source.name, tenants[i], *marks->item(i));
        t.number = first_number + i;
        out.tenants.push_back(std::move(t));
    }
}

using Report = std::function<void(const Place&, const std::string&)>;

std::string twice_message(const std::string& what, const Place& first, const Place& second) {
    return what + " is declared twice: at " + first.str() + " and at " + second.str();
}

// A tenant's profiles: each within its bounds, none named twice, at most one default.
void check_profiles(const DeclTenant& t, const Report& problem) {
    std::map<std::string, const DeclProfile*> profiles;
    const DeclProfile* marked_default = nullptr;
    for (const auto& p : t.profiles) {
        try {
            validate::object(p.profile);
        } catch (const Error& e) {
            problem(p.at, e.what());
        }
        if (auto [it, fresh] = profiles.emplace(fold(p.profile.name), &p); !fresh)
            problem(p.at,
                    twice_message("profile " + quote(p.profile.name) + " of tenant " + t.tenant.key,
                                  it->second->at, p.at));
        if (p.is_default.value_or(false)) {
            if (marked_default)
                problem(p.default_at, "tenant " + t.tenant.key + " has two default profiles: " +
                                          quote(marked_default->profile.name) + " (at " +
                                          marked_default->default_at.str() + ") and " +
                                          quote(p.profile.name));
            marked_default = &p;
        }
    }
}

// Whether a tenant's header, read before its users, holds up on its own: the schema and
// the commands' checks pass it, no profile is named twice and at most one is the default.
std::optional<DeclTenant> sound_header(const std::string& file, const json& so_far,
                                       const Marked& marks) {
    if (!tenant_passes_schema(so_far)) return std::nullopt;
    DeclTenant t = tenant_of(file, so_far, marks);
    bool sound = true;
    try {
        validate::object(t.tenant);
    } catch (const Error&) {
        sound = false;
    }
    check_profiles(t, [&](const Place&, const std::string&) { sound = false; });
    return sound ? std::optional(t) : std::nullopt;
}

void report(std::vector<Diagnostic>& out, const Place& at, const std::string& message) {
    out.push_back(Diagnostic{at.file, at.at.line, at.at.column, message});
}

// Problems found in users, by tenant number, each with the user's number so that they
// are reported in the order of the declaration.
using UserProblems = std::map<size_t, std::vector<std::pair<int64_t, Diagnostic>>>;

// What the schema cannot say: the same object twice, two defaults in a tenant, and the
// checks the commands make that a JSON Schema pattern cannot (C1 control characters).
// Returns, for each tenant, whether a problem was found in it.
std::vector<bool> check_declaration(const Declaration& decl, UserProblems& user_problems,
                                    std::vector<Diagnostic>& out) {
    std::vector<bool> faulty(decl.tenants.size(), false);
    std::map<std::string, size_t> tenants;
    std::map<size_t, size_t> by_number; // tenant number -> index in decl.tenants
    for (size_t i = 0; i < decl.tenants.size(); ++i)
        by_number[decl.tenants[i].number] = i;
    for (const auto& [number, users] : decl.users->duplicates()) {
        auto kept = by_number.find(number);
        if (kept == by_number.end()) continue;
        for (size_t k = 1; k < users.size(); ++k) {
            const DeclUser& u = users[k];
            user_problems[number].emplace_back(
                u.seq, Diagnostic{u.at.file, u.at.at.line, u.at.at.column,
                                  twice_message("user " + quote(u.user.login) + " of tenant " +
                                                    decl.tenants[kept->second].tenant.key,
                                                users[0].at, u.at)});
        }
    }
    size_t index = 0;
    auto problem = [&](const Place& at, const std::string& message) {
        report(out, at, message);
        faulty[index] = true;
    };
    auto valid = [&](const Object& object, const Place& at) {
        try {
            validate::object(object);
        } catch (const Error& e) {
            problem(at, e.what());
        }
    };
    for (; index < decl.tenants.size(); ++index) {
        const DeclTenant& t = decl.tenants[index];
        valid(t.tenant, t.at);
        if (auto [it, fresh] = tenants.emplace(t.tenant.key, index); !fresh) {
            problem(t.at, twice_message("tenant " + quote(t.tenant.key),
                                        decl.tenants[it->second].at, t.at));
            faulty[it->second] = true; // which of the two is meant is not known
        }
        check_profiles(t, problem);
        auto found = user_problems.find(t.number);
        if (found == user_problems.end()) continue;
        auto& list = found->second;
        std::stable_sort(list.begin(), list.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto& [seq, diagnostic] : list)
            out.push_back(std::move(diagnostic));
        faulty[index] = faulty[index] || !list.empty();
    }
    return faulty;
}

} // namespace

std::string Place::str() const {
    return at.line > 0 ? file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column)
                       : file;
}

std::string error_summary(size_t count) {
    return std::to_string(count) + (count == 1 ? " error" : " errors") + "; nothing was written";
}

void fail_with(ErrorKind kind, std::vector<Diagnostic> diagnostics) {
    std::string summary = error_summary(diagnostics.size());
    throw Error(kind, summary, std::move(diagnostics));
}

Declaration load_declaration(const Sources& sources, ReadListener* listener) {
    return load_declaration(sources.files, sources.problems, listener);
}

Declaration load_declaration(const std::vector<Source>& sources, std::vector<Diagnostic> problems,
                             ReadListener* listener) {
    Declaration decl;
    decl.users = std::make_shared<DeclUsers>();
    std::vector<Diagnostic>& diagnostics = decl.problems;
    diagnostics = std::move(problems);
    UserProblems user_problems;
    size_t first_number = 0; // the number of this file's first tenant
    for (const auto& source : sources) {
        size_t before = diagnostics.size();
        SchemaCheck check(source.name, diagnostics);
        size_t tenants_seen = 0; // by the users' hook: a file cut short has no tenants list
        // A user read: kept, and checked when its item did not pass the plain check.
        auto keep = [&](size_t tenant, const DeclUser& u, bool plain) {
            int64_t seq = decl.users->add(first_number + tenant, u);
            tenants_seen = std::max(tenants_seen, tenant + 1);
            try {
                if (!plain) validate::object(u.user); // else done already
                if (listener) listener->user(u);
            } catch (const Error& e) {
                user_problems[first_number + tenant].emplace_back(
                    seq, Diagnostic{u.at.file, u.at.at.line, u.at.at.column, e.what()});
            }
        };
        UserHooks hooks;
        hooks.item = [&](size_t tenant, size_t index, json& value, Marked& marks) {
            const bool plain = plainly_valid_user(value);
            if (!plain && !check.user(tenant, index, value, marks)) return;
            keep(tenant, user_of(source.name, value, marks), plain);
        };
        DeclUser flat;
        hooks.flat = [&](size_t tenant, const FlatItem& item) {
            if (!plain_user(source.name, item, flat)) return false;
            keep(tenant, flat, true);
            return true;
        };
        if (listener)
            hooks.start = [&](size_t tenant, const json& so_far, const Marked& marks) {
                std::optional<DeclTenant> header = sound_header(source.name, so_far, marks);
                if (header) header->number = first_number + tenant;
                listener->tenant(header);
            };
        YamlDocument doc = read_yaml(source.name, source.input, diagnostics, hooks);
        const json* tenants = doc.value.is_object() && doc.value.contains("tenants")
                                  ? &doc.value["tenants"]
                                  : nullptr;
        const size_t declared =
            std::max(tenants_seen, tenants && tenants->is_array() ? tenants->size() : 0);
        if (doc.complete && doc.empty && diagnostics.size() == before)
            diagnostics.push_back(Diagnostic{source.name, 0, 0, "the file holds no declaration"});
        if (doc.complete && !doc.empty) {
            SchemaVerdict verdict = check.document(doc);
            // In the order of the file, whichever check found them.
            std::stable_sort(diagnostics.begin() + static_cast<std::ptrdiff_t>(before),
                             diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
                                 return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                             });
            if (verdict.readable) convert(source, doc, verdict, first_number, decl);
        }
        first_number += declared;
    }
    decl.users->finish();
    std::vector<bool> faulty = check_declaration(decl, user_problems, diagnostics);
    std::vector<DeclTenant> kept;
    for (size_t i = 0; i < decl.tenants.size(); ++i)
        if (!faulty[i]) kept.push_back(std::move(decl.tenants[i]));
    decl.tenants = std::move(kept);
    return decl;
}

} // namespace chatctl
