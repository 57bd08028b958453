#include "core/decl/declaration.hpp"

#include "core/decl/decl_schema.hpp"
#include "core/validate.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>

namespace chatctl {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr uintmax_t kMaxDeclarationBytes = uintmax_t{512} << 20;
using validate::quote;

// An optional text: left out, null and "" all mean none (a store never holds "").
std::optional<std::string> text_or_null(const json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null() || it->get_ref<const std::string&>().empty())
        return std::nullopt;
    return it->get<std::string>();
}

// The stream's text, or nullopt once it holds more than kMaxDeclarationBytes (standard
// input has no size to look at first: `yes | chatctl plan -f -` never ends by itself).
std::optional<std::string> read_stream(std::istream& in) {
    std::string out;
    char buffer[1 << 16];
    while (in.read(buffer, sizeof buffer).gcount() > 0) {
        if (out.size() + static_cast<size_t>(in.gcount()) > kMaxDeclarationBytes)
            return std::nullopt;
        out.append(buffer, static_cast<size_t>(in.gcount()));
    }
    return out;
}

// Converts one validated document, remembering places.
class Converter {
  public:
    Converter(const Source& source, const YamlDocument& doc) : source_(source), doc_(doc) {}

    // Converts the tenants the schema found nothing wrong with, so that what only the
    // whole declaration shows (duplicates, defaults) is found in them too.
    void convert(Declaration& out, const SchemaVerdict& verdict) {
        const json& tenants = doc_.value["tenants"];
        for (size_t i = 0; i < tenants.size(); ++i)
            if (!verdict.tenant_failed[i]) out.tenants.push_back(tenant(tenants[i], i));
    }

  private:
    Place place(const std::vector<std::string>& path) const {
        return Place{source_.name, position_of(doc_.marks, path)};
    }

    DeclTenant tenant(const json& t, size_t i) {
        const std::vector<std::string> base{"tenants", std::to_string(i)};
        DeclTenant d;
        d.tenant = Tenant{t["tenant"], text_or_null(t, "display_name")};
        d.at = place(base);
        d.has_profiles = t.contains("profiles");
        d.has_users = t.contains("users");
        for (size_t k = 0; d.has_profiles && k < t["profiles"].size(); ++k) {
            const json& p = t["profiles"][k];
            auto path = base;
            path.insert(path.end(), {"profiles", std::to_string(k)});
            DeclProfile dp;
            dp.profile = Profile{d.tenant.key,
                                 p["name"],
                                 p.value("default", false),
                                 p.value("max_concurrent_chats", kDefaultMaxChats),
                                 p.value("wrap_up_seconds", kDefaultWrapUp),
                                 text_or_null(p, "description")};
            if (p.contains("default")) dp.is_default = p["default"].get<bool>();
            dp.at = place(path);
            path.push_back("default");
            dp.default_at = place(path);
            d.profiles.push_back(std::move(dp));
        }
        for (size_t k = 0; d.has_users && k < t["users"].size(); ++k) {
            const json& u = t["users"][k];
            auto path = base;
            path.insert(path.end(), {"users", std::to_string(k)});
            DeclUser du;
            du.user = User{d.tenant.key, u["login"], text_or_null(u, "name"),
                           text_or_null(u, "email"), u.value("profile", "")};
            du.has_profile = u.contains("profile");
            du.at = place(path);
            path.push_back("profile");
            du.profile_at = place(path);
            d.users.push_back(std::move(du));
        }
        return d;
    }

    const Source& source_;
    const YamlDocument& doc_;
};

void report(std::vector<Diagnostic>& out, const Place& at, const std::string& message) {
    out.push_back(Diagnostic{at.file, at.at.line, at.at.column, message});
}

// What the schema cannot say: the same object twice, two defaults in a tenant, and the
// checks the commands make that a JSON Schema pattern cannot (C1 control characters).
// Returns, for each tenant, whether a problem was found in it.
std::vector<bool> check_declaration(const Declaration& decl, std::vector<Diagnostic>& out) {
    std::vector<bool> faulty(decl.tenants.size(), false);
    std::map<std::string, size_t> tenants;
    size_t index = 0;
    auto problem = [&](const Place& at, const std::string& message) {
        report(out, at, message);
        faulty[index] = true;
    };
    auto twice = [&](const std::string& what, const Place& first, const Place& second) {
        problem(second, what + " is declared twice: at " + first.str() + " and at " + second.str());
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
            twice("tenant " + quote(t.tenant.key), decl.tenants[it->second].at, t.at);
            faulty[it->second] = true; // which of the two is meant is not known
        }
        std::map<std::string, const DeclProfile*> profiles;
        const DeclProfile* marked_default = nullptr;
        for (const auto& p : t.profiles) {
            valid(p.profile, p.at);
            if (auto [it, fresh] = profiles.emplace(fold(p.profile.name), &p); !fresh)
                twice("profile " + quote(p.profile.name) + " of tenant " + t.tenant.key,
                      it->second->at, p.at);
            if (p.is_default.value_or(false)) {
                if (marked_default)
                    problem(p.default_at, "tenant " + t.tenant.key + " has two default profiles: " +
                                              quote(marked_default->profile.name) + " (at " +
                                              marked_default->default_at.str() + ") and " +
                                              quote(p.profile.name));
                marked_default = &p;
            }
        }
        std::map<std::string, const DeclUser*> users;
        for (const auto& u : t.users) {
            valid(u.user, u.at);
            if (auto [it, fresh] = users.emplace(fold(u.user.login), &u); !fresh)
                twice("user " + quote(u.user.login) + " of tenant " + t.tenant.key, it->second->at,
                      u.at);
        }
    }
    return faulty;
}

// The name a folder's file is skipped for: an editor's swap, lock or backup file.
bool editor_file(const fs::path& path) {
    std::string name = path.filename().string();
    return name.empty() || name[0] == '.' || name.back() == '~';
}

} // namespace

std::string Place::str() const {
    return at.line > 0 ? file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column)
                       : file;
}

std::string fold(const std::string& text) {
    std::string out = text;
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string error_summary(size_t count) {
    return std::to_string(count) + (count == 1 ? " error" : " errors") + "; nothing was written";
}

void fail_with(ErrorKind kind, std::vector<Diagnostic> diagnostics) {
    std::string summary = error_summary(diagnostics.size());
    throw Error(kind, summary, std::move(diagnostics));
}

Sources read_sources(const std::vector<std::string>& paths) {
    Sources out;
    std::vector<Diagnostic>& problems = out.problems;
    std::vector<fs::path> seen; // the files read, by their real path
    bool stdin_read = false;
    auto read_file = [&](const std::string& path) {
        std::error_code ec;
        fs::path real = fs::canonical(path, ec);
        if (!ec) {
            if (std::find(seen.begin(), seen.end(), real) != seen.end()) return;
            seen.push_back(real);
        }
        // Only regular files: a FIFO or a device would block or never end.
        auto status = fs::status(path, ec);
        if (!ec && status.type() != fs::file_type::regular) {
            problems.push_back(Diagnostic{path, 0, 0, "not a regular file"});
            return;
        }
        if (!ec && fs::file_size(path, ec) > kMaxDeclarationBytes) {
            problems.push_back(Diagnostic{path, 0, 0, "larger than 512 MiB"});
            return;
        }
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            problems.push_back(
                Diagnostic{path, 0, 0, std::string("cannot read: ") + std::strerror(errno)});
            return;
        }
        auto text = read_stream(in); // the size was checked; the file may have grown since
        if (!text)
            problems.push_back(Diagnostic{path, 0, 0, "larger than 512 MiB"});
        else if (in.bad())
            problems.push_back(Diagnostic{path, 0, 0, "cannot read"});
        else
            out.files.push_back(Source{path, std::move(*text)});
    };
    for (const auto& path : paths) {
        if (path == "-") {
            if (!stdin_read) {
                if (auto text = read_stream(std::cin))
                    out.files.push_back(Source{"-", std::move(*text)});
                else
                    problems.push_back(Diagnostic{"-", 0, 0, "larger than 512 MiB"});
            }
            stdin_read = true;
            continue;
        }
        std::error_code ec;
        if (!fs::is_directory(path, ec)) {
            read_file(path);
            continue;
        }
        std::vector<std::string> files;
        for (const auto& entry : fs::directory_iterator(path, ec)) {
            std::string ext = entry.path().extension().string();
            if ((ext == ".yaml" || ext == ".yml") && !entry.is_directory() &&
                !editor_file(entry.path()))
                files.push_back(entry.path().string());
        }
        std::sort(files.begin(), files.end());
        if (files.empty())
            problems.push_back(Diagnostic{path, 0, 0, "the folder has no .yaml or .yml file"});
        for (const auto& f : files)
            read_file(f);
    }
    return out;
}

Declaration load_declaration(const Sources& sources) {
    return load_declaration(sources.files, sources.problems);
}

Declaration load_declaration(const std::vector<Source>& sources, std::vector<Diagnostic> problems) {
    Declaration decl;
    std::vector<Diagnostic>& diagnostics = decl.problems;
    diagnostics = std::move(problems);
    for (const auto& source : sources) {
        size_t before = diagnostics.size();
        YamlDocument doc = read_yaml(source.name, source.text, diagnostics);
        if (!doc.complete) continue;
        if (doc.empty) {
            if (diagnostics.size() == before)
                diagnostics.push_back(
                    Diagnostic{source.name, 0, 0, "the file holds no declaration"});
            continue;
        }
        SchemaVerdict verdict = check_schema(source.name, doc, diagnostics);
        // In the order of the file, whichever check found them.
        std::stable_sort(diagnostics.begin() + static_cast<std::ptrdiff_t>(before),
                         diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
                             return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                         });
        if (verdict.readable) Converter(source, doc).convert(decl, verdict);
    }
    std::vector<bool> faulty = check_declaration(decl, diagnostics);
    std::vector<DeclTenant> kept;
    for (size_t i = 0; i < decl.tenants.size(); ++i)
        if (!faulty[i]) kept.push_back(std::move(decl.tenants[i]));
    decl.tenants = std::move(kept);
    return decl;
}

} // namespace chatctl
