#include "core/decl/decl_users.hpp"

#include "core/decl/decl_users_record.hpp"
#include "core/temp_file.hpp"

namespace chatctl {

namespace {

// More names than a tenant has profiles, by far: past this, they are not kept.
constexpr size_t kMaxProfileNames = 1024;

constexpr const char* kColumns = "seq, login, name, email, profile, file, line, col, pline, pcol";

std::optional<std::string> optional_text(const SQLite::Column& c) {
    if (c.isNull()) return std::nullopt;
    return c.getString();
}

} // namespace

DeclUsers::DeclUsers() : file_(unnamed_temp_file()) {}

DeclUsers::~DeclUsers() {
    try {
        stop_spooling();
    } catch (...) { // a failure nobody reads the users after
    }
    std::fclose(file_);
}

void DeclUsers::stop_spooling() {
    if (!spooler_.joinable()) return;
    added_.slot().last = true;
    added_.flush();
    spooler_.join();
    if (spool_failure_) std::rethrow_exception(spool_failure_);
}

void DeclUsers::spool() {
    try {
        for (;;) {
            const Added& a = added_.take();
            if (a.last) return;
            write(a.tenant, a.user);
        }
    } catch (...) {
        spool_failure_ = std::current_exception();
        added_.drop(); // the reader goes on, and finish() reports it
    }
}

int DeclUsers::file_number(const std::string& file) {
    if (files_.empty() || files_.back() != file) files_.push_back(file);
    return static_cast<int>(files_.size() - 1);
}

int64_t DeclUsers::add(size_t tenant, const DeclUser& u) {
    if (!spooler_.joinable()) spooler_ = std::thread([this] { spool(); });
    Added& a = added_.slot();
    a.tenant = tenant;
    a.user = u; // into the slot's strings
    a.user.seq = ++count_;
    a.last = false;
    return count_;
}

void DeclUsers::write(size_t tenant, const DeclUser& u) {
    const int64_t seq = u.seq;
    record_.clear();
    decl_record::put(record_, seq);
    decl_record::put(record_, static_cast<uint8_t>((u.user.name ? decl_record::kName : 0) |
                                                   (u.user.email ? decl_record::kEmail : 0) |
                                                   (u.has_profile ? decl_record::kProfile : 0)));
    decl_record::put(record_, static_cast<uint32_t>(file_number(u.at.file)));
    for (int v : {u.at.at.line, u.at.at.column, u.profile_at.at.line, u.profile_at.at.column})
        decl_record::put(record_, static_cast<int32_t>(v));
    decl_record::put_text(record_, u.user.login);
    if (u.user.name) decl_record::put_text(record_, *u.user.name);
    if (u.user.email) decl_record::put_text(record_, *u.user.email);
    if (u.has_profile) decl_record::put_text(record_, u.user.profile);
    if (std::fwrite(record_.data(), 1, record_.size(), file_) != record_.size())
        decl_record::io_failure("write");

    auto [it, fresh] = runs_.try_emplace(tenant);
    Run& run = it->second;
    if (last_tenant_ != tenant) run.segments.push_back(Segment{size_, size_});
    last_tenant_ = tenant;
    size_ += static_cast<int64_t>(record_.size());
    run.segments.back().end = size_;
    std::string folded = fold(u.user.login);
    if (!fresh && !(run.last < folded)) run.sorted = false; // out of order, or twice
    run.last = std::move(folded);
    if (u.has_profile && run.profiles_kept && u.user.profile != run.last_profile) {
        run.last_profile = u.user.profile;
        run.profiles.insert(u.user.profile);
        if (run.profiles.size() > kMaxProfileNames) {
            run.profiles_kept = false;
            run.profiles.clear();
        }
    }
}

const std::set<std::string>* DeclUsers::profile_names(size_t tenant) const {
    static const std::set<std::string> none;
    const Run* r = run(tenant);
    return !r ? &none : r->profiles_kept ? &r->profiles : nullptr;
}

const DeclUsers::Run* DeclUsers::run(size_t tenant) const {
    auto it = runs_.find(tenant);
    return it == runs_.end() ? nullptr : &it->second;
}

SQLite::Database& DeclUsers::sorted_db() {
    if (!db_) {
        // "" opens a private database on a temporary file, deleted on closing; its pages
        // spill there past the cache, so memory stays flat.
        db_ = std::make_unique<SQLite::Database>("", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db_->exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
                  "PRAGMA cache_size = -16384; PRAGMA temp_store = FILE;"
                  "CREATE TABLE users (seq INTEGER PRIMARY KEY, tenant INTEGER NOT NULL, "
                  "login TEXT NOT NULL, name TEXT, email TEXT, profile TEXT, file INTEGER, "
                  "line INTEGER, col INTEGER, pline INTEGER, pcol INTEGER)");
    }
    return *db_;
}

void DeclUsers::finish() {
    stop_spooling();
    if (std::fflush(file_) != 0) decl_record::io_failure("write");
    bool any = false;
    for (const auto& [tenant, run] : runs_) {
        if (run.sorted) continue;
        SQLite::Database& db = sorted_db();
        if (!any) db.exec("BEGIN");
        any = true;
        SQLite::Statement insert(db, "INSERT INTO users (seq, tenant, login, name, email, "
                                     "profile, file, line, col, pline, pcol) "
                                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        Reader reader(*this, run);
        DeclUser u;
        while (reader.next(u)) {
            insert.reset();
            insert.bind(1, u.seq);
            insert.bind(2, static_cast<int64_t>(tenant));
            insert.bind(3, u.user.login);
            auto optional = [&](int i, const std::optional<std::string>& v) {
                v ? insert.bind(i, *v) : insert.bind(i);
            };
            optional(4, u.user.name);
            optional(5, u.user.email);
            optional(6, u.has_profile ? std::optional(u.user.profile) : std::nullopt);
            insert.bind(7, static_cast<int64_t>(reader.file()));
            insert.bind(8, u.at.at.line);
            insert.bind(9, u.at.at.column);
            insert.bind(10, u.profile_at.at.line);
            insert.bind(11, u.profile_at.at.column);
            insert.exec();
        }
    }
    if (any) db_->exec("CREATE INDEX users_login ON users (tenant, login COLLATE NOCASE); COMMIT");
}

DeclUser DeclUsers::from_row(SQLite::Statement& st) const {
    DeclUser u;
    u.seq = st.getColumn(0).getInt64();
    u.user.login = st.getColumn(1).getString();
    u.user.name = optional_text(st.getColumn(2));
    u.user.email = optional_text(st.getColumn(3));
    u.has_profile = !st.getColumn(4).isNull();
    u.user.profile = u.has_profile ? st.getColumn(4).getString() : "";
    const std::string& file = files_.at(static_cast<size_t>(st.getColumn(5).getInt()));
    u.at = Place{file, Position{st.getColumn(6).getInt(), st.getColumn(7).getInt()}};
    u.profile_at = Place{file, Position{st.getColumn(8).getInt(), st.getColumn(9).getInt()}};
    return u;
}

void DeclUsers::each(size_t tenant, const std::function<void(const DeclUser&)>& f) {
    const Run* r = run(tenant);
    if (!r) return;
    Reader reader(*this, *r);
    DeclUser u;
    while (reader.next(u))
        f(u);
}

std::vector<DeclUsers::Duplicate> DeclUsers::duplicates() {
    std::vector<Duplicate> out;
    if (!db_) return out; // every tenant's users are in strict login order
    // The index covers tenant and login: this reads it once, in order, and no table row.
    SQLite::Statement twice(*db_, "SELECT tenant, login FROM users GROUP BY tenant, "
                                  "login COLLATE NOCASE HAVING count(*) > 1");
    SQLite::Statement each(*db_, std::string("SELECT ") + kColumns +
                                     " FROM users WHERE tenant = ? AND login = ? COLLATE NOCASE "
                                     "ORDER BY seq");
    while (twice.executeStep()) {
        each.reset();
        each.bind(1, twice.getColumn(0).getInt64());
        each.bind(2, twice.getColumn(1).getString());
        out.push_back(Duplicate{static_cast<size_t>(twice.getColumn(0).getInt64()), {}});
        while (each.executeStep())
            out.back().users.push_back(from_row(each));
    }
    return out;
}

struct DeclUsers::Scan::Impl {
    DeclUsers& users;
    std::unique_ptr<Reader> reader;            // a tenant in order: its records
    std::unique_ptr<SQLite::Statement> sorted; // any other: the sorted copy
    DeclUser current;
};

DeclUsers::Scan::Scan(DeclUsers& users, size_t tenant)
    : impl_(new Impl{users, nullptr, nullptr, {}}) {
    const Run* r = users.run(tenant);
    if (!r) return;
    if (r->sorted) {
        impl_->reader = std::make_unique<Reader>(users, *r);
        return;
    }
    impl_->sorted = std::make_unique<SQLite::Statement>(
        *users.db_, std::string("SELECT ") + kColumns +
                        " FROM users WHERE tenant = ? ORDER BY login COLLATE NOCASE");
    impl_->sorted->bind(1, static_cast<int64_t>(tenant));
}

DeclUsers::Scan::~Scan() = default;

const DeclUser* DeclUsers::Scan::next() {
    Impl& s = *impl_;
    if (s.reader) return s.reader->next(s.current) ? &s.current : nullptr;
    if (s.sorted && s.sorted->executeStep()) {
        s.current = s.users.from_row(*s.sorted);
        return &s.current;
    }
    return nullptr;
}

} // namespace chatctl
