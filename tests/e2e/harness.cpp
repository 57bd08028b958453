#include "harness.hpp"

#include "core/store/sqlite/schema.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <libpq-fe.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace e2e {

namespace fs = std::filesystem;

Json Result::json() const {
    INFO("stdout: " << out << "\nstderr: " << err);
    return Json::parse(out);
}

Json Result::err_json() const {
    INFO("stderr: " << err);
    return Json::parse(err);
}

namespace {

const char* pg_host() {
    const char* host = std::getenv("CHATCTL_TEST_PG_HOST");
    return host && *host ? host : nullptr;
}

// The server itself, as the harness reaches it (its own sessions: a lock held, rows read).
std::string pg_uri(const std::string& database, const std::string& role) {
    return "postgresql:///" + database + "?host=" + pg_host() + "&user=" + role;
}

// The store as chatctl reaches it: through the pooler in front of the server when
// CHATCTL_TEST_PG_POOLER names its socket folder (tests/pg/pooler.sh), else the server.
std::string chatctl_uri(const std::string& database, const std::string& role) {
    const char* pooler = std::getenv("CHATCTL_TEST_PG_POOLER");
    if (!pooler || !*pooler) return pg_uri(database, role);
    return "postgresql:///" + database + "?host=" + std::string(pooler) + "&user=" + role;
}

// Runs SQL on the test server; the error message, or "" when it succeeded.
std::string pg_exec(const std::string& uri, const std::string& sql,
                    std::vector<std::vector<std::string>>* rows = nullptr) {
    PGconn* conn = PQconnectdb(uri.c_str());
    std::string error;
    if (PQstatus(conn) != CONNECTION_OK) {
        error = PQerrorMessage(conn);
    } else {
        PQsetNoticeProcessor(
            conn, [](void*, const char*) {}, nullptr);
        PGresult* r = PQexec(conn, sql.c_str());
        auto status = PQresultStatus(r);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            error = PQresultErrorMessage(r);
            if (error.empty()) error = "failed";
        } else if (rows) {
            for (int i = 0; i < PQntuples(r); ++i) {
                rows->emplace_back();
                for (int j = 0; j < PQnfields(r); ++j)
                    rows->back().push_back(PQgetisnull(r, i, j) ? "NULL" : PQgetvalue(r, i, j));
            }
        }
        PQclear(r);
    }
    PQfinish(conn);
    return error;
}

} // namespace

const std::string& chatctl_bin() {
    static const std::string bin =
        std::getenv("CHATCTL_TEST_BIN") ? std::getenv("CHATCTL_TEST_BIN") : CHATCTL_BIN;
    return bin;
}

bool sanitized() {
    const char* flag = std::getenv("CHATCTL_TEST_SANITIZED");
    return flag && std::string_view(flag) == "1";
}

bool on_postgres() {
    return pg_host() != nullptr;
}

std::string history_entries_sql() {
    return on_postgres() ? "coalesce(sum(entries), 0)" : "count(*)";
}

bool pooled() {
    const char* pooler = std::getenv("CHATCTL_TEST_PG_POOLER");
    return on_postgres() && pooler && *pooler;
}

Sandbox::Sandbox() {
    std::string tmpl = (fs::temp_directory_path() / "chatctl-e2e-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    db_ = dir_ + "/store.db";
    if (!on_postgres()) return;
    static std::atomic<int> counter{0};
    database_ = "e2e_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    std::string error = pg_exec(pg_uri("postgres", "postgres"), "CREATE DATABASE " + database_);
    if (!error.empty()) throw std::runtime_error("CREATE DATABASE failed: " + error);
    db_ = chatctl_uri(database_, "postgres");
}

Sandbox::~Sandbox() {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(dir_, ec);
    if (!database_.empty())
        pg_exec(pg_uri("postgres", "postgres"), "DROP DATABASE " + database_ + " WITH (FORCE)");
}

std::string Sandbox::server() const {
    return database_.empty() ? db_ : pg_uri(database_, "postgres");
}

std::string Sandbox::db_as(const std::string& role) const {
    return database_.empty() ? db_ : chatctl_uri(database_, role);
}

namespace {

// posix_spawn with argv and env as strings; consumes the file actions.
pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
            posix_spawn_file_actions_t& actions) {
    std::vector<char*> cargv, cenv;
    for (const auto& a : argv)
        cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    for (const auto& e : env)
        cenv.push_back(const_cast<char*>(e.c_str()));
    cenv.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, cargv.data(), cenv.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("posix_spawn failed: " + argv[0]);
    return pid;
}

} // namespace

Result run_binary(const std::vector<std::string>& command, const std::vector<std::string>& env,
                  const std::string& input) {
    // Through peak_rss, so that the peak memory measured is the command's own.
    char rss_file[] = "/tmp/chatctl-rss-XXXXXX";
    int rss_fd = ::mkstemp(rss_file);
    if (rss_fd < 0) throw std::runtime_error("mkstemp failed");
    ::close(rss_fd);
    std::vector<std::string> argv{PEAK_RSS_BIN, rss_file};
    argv.insert(argv.end(), command.begin(), command.end());
    int in[2], out[2], err[2];
    if (::pipe(in) || ::pipe(out) || ::pipe(err)) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]})
        posix_spawn_file_actions_addclose(&actions, fd);
    pid_t pid = spawn(argv, env, actions);
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    signal(SIGPIPE, SIG_IGN);
    if (!input.empty()) {
        size_t written = 0;
        while (written < input.size()) {
            ssize_t n = ::write(in[1], input.data() + written, input.size() - written);
            if (n <= 0) break;
            written += static_cast<size_t>(n);
        }
    }
    ::close(in[1]);
    Result result;
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open_fds = 2;
    char buffer[65536];
    while (open_fds > 0) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
            ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
            if (n > 0)
                sinks[i]->append(buffer, static_cast<size_t>(n));
            else {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    int status = 0;
    rusage usage{};
    ::wait4(pid, &status, 0, &usage);
    result.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::ifstream rss(rss_file);
    if (!(rss >> result.max_rss_kb)) result.max_rss_kb = usage.ru_maxrss;
    ::unlink(rss_file);
    return result;
}

pid_t start_binary(const std::vector<std::string>& args, const std::vector<std::string>& env) {
    std::vector<std::string> argv{chatctl_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = spawn(argv, env, actions);
    return pid;
}

Result Sandbox::run(const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env, const std::string& input,
                    bool no_db) const {
    std::vector<std::string> argv{chatctl_bin()};
    if (!no_db) {
        argv.push_back("--db");
        argv.push_back(db_);
    }
    argv.insert(argv.end(), args.begin(), args.end());
    std::map<std::string, std::string> vars{{"HOME", dir_ + "/home"},
                                            {"PATH", "/usr/bin:/bin"},
                                            {"LANG", "C.UTF-8"},
                                            {"CHATCTL_ACTOR", "tester"}};
    for (const char* pass : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"})
        if (const char* v = std::getenv(pass)) vars[pass] = v;
    for (const auto& [k, v] : env)
        vars[k] = v;
    std::vector<std::string> environment;
    for (const auto& [k, v] : vars)
        if (v != kUnset) environment.push_back(k + "=" + v);
    return run_binary(argv, environment, input);
}

Result Sandbox::ok(const std::vector<std::string>& args) const {
    Result r = run(args);
    INFO("chatctl stderr: " << r.err);
    REQUIRE(r.code == 0);
    return r;
}

std::string Sandbox::dump() const {
    if (on_postgres()) return dump_postgres();
    if (!fs::exists(db_)) return "";
    try {
        return dump_rows();
    } catch (const SQLite::Exception& e) {
        return std::string("unreadable: ") + e.what(); // bytes() still tells changes
    }
}

std::string Sandbox::dump_rows() const {
    SQLite::Database db(db_, SQLite::OPEN_READONLY);
    std::ostringstream out;
    out << "user_version=" << db.execAndGet("PRAGMA user_version").getInt() << "\n";
    SQLite::Statement tables(db, "SELECT name, sql FROM sqlite_schema ORDER BY name");
    std::vector<std::string> names;
    while (tables.executeStep()) {
        out << tables.getColumn(1).getString() << "\n";
        if (tables.getColumn(1).getString().rfind("CREATE TABLE", 0) == 0)
            names.push_back(tables.getColumn(0).getString());
    }
    for (const auto& name : names) {
        SQLite::Statement rows(db, "SELECT * FROM \"" + name + "\" ORDER BY 1");
        while (rows.executeStep()) {
            out << name << ":";
            for (int i = 0; i < rows.getColumnCount(); ++i)
                out << " " << (rows.getColumn(i).isNull() ? "NULL" : rows.getColumn(i).getString());
            out << "\n";
        }
    }
    return out.str();
}

// The schema's objects and every row, in a stable order.
std::string Sandbox::dump_postgres() const {
    std::vector<std::vector<std::string>> rows;
    std::string error =
        pg_exec(server(),
                "SELECT 'object', c.relname, c.relkind::text FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                "UNION ALL SELECT 'constraint', conname, pg_get_constraintdef(oid) FROM "
                "pg_constraint WHERE connamespace = 'public'::regnamespace "
                "UNION ALL SELECT 'trigger', tgname, tgenabled::text FROM pg_trigger "
                "WHERE NOT tgisinternal ORDER BY 1, 2",
                &rows);
    if (!error.empty()) return "unreadable: " + error;
    if (rows.empty()) return "";
    for (const char* table :
         {"chatctl_version", "tenants", "profiles", "users", "history", "change_reasons"})
        if (!pg_exec(server(), std::string("SELECT * FROM ") + table + " ORDER BY 1", &rows)
                 .empty())
            rows.push_back({table, "unreadable"});
    std::ostringstream out;
    for (const auto& row : rows) {
        for (const auto& field : row)
            out << field << "|";
        out << "\n";
    }
    return out.str();
}

std::string Sandbox::write(const std::string& name, const std::string& text) const {
    std::string path = dir_ + "/" + name;
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string Sandbox::bytes() const {
    if (on_postgres()) return ""; // dump() holds all of it
    return slurp(db_);
}

std::string Sandbox::sql(const std::string& statement) const {
    if (on_postgres()) {
        Result init = run({"store", "init", "--grant", kAppRole});
        if (init.code != 0) return "store init failed: " + init.err;
        return pg_exec(pg_uri(database_, kAppRole), statement);
    }
    try {
        SQLite::Database db(db_, SQLite::OPEN_READWRITE);
        db.exec("PRAGMA foreign_keys = ON");
        db.exec(statement);
        return "";
    } catch (const SQLite::Exception& e) {
        return e.what();
    }
}

std::vector<std::vector<std::string>> Sandbox::query(const std::string& sql) const {
    std::vector<std::vector<std::string>> rows;
    if (on_postgres()) {
        std::string error = pg_exec(server(), sql, &rows);
        if (!error.empty()) throw std::runtime_error(error);
        return rows;
    }
    SQLite::Database db(db_, SQLite::OPEN_READONLY);
    SQLite::Statement st(db, sql);
    while (st.executeStep()) {
        rows.emplace_back();
        for (int i = 0; i < st.getColumnCount(); ++i)
            rows.back().push_back(st.getColumn(i).isNull() ? "NULL" : st.getColumn(i).getString());
    }
    return rows;
}

struct LockHolder::Impl {
    std::unique_ptr<SQLite::Database> file;
    PGconn* conn = nullptr;
};

LockHolder::LockHolder(const Sandbox& s) : impl_(std::make_unique<Impl>()) {
    if (!on_postgres()) {
        impl_->file = std::make_unique<SQLite::Database>(s.db(), SQLite::OPEN_READWRITE);
        impl_->file->exec("BEGIN IMMEDIATE");
        return;
    }
    impl_->conn = PQconnectdb(s.server().c_str()); // the key chatctl's writers take
    PGresult* r = PQexec(impl_->conn, "SELECT pg_advisory_lock(1667785076, 6517868)");
    const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    if (!ok)
        throw std::runtime_error("cannot take the lock: " +
                                 std::string(PQerrorMessage(impl_->conn)));
}

LockHolder::~LockHolder() {
    if (impl_->file) impl_->file->exec("ROLLBACK");
    if (impl_->conn) PQfinish(impl_->conn);
}

Json as_plan(const Result& write) {
    Json document = write.json();
    // A number when it committed anything, null when it had nothing to change.
    CHECK(document["change"].is_number_integer() ==
          (document.contains("changes") && !document["changes"].empty()));
    CHECK((document["change"].is_number_integer() || document["change"].is_null()));
    document.erase("change");
    return document;
}

void write_version1_store(const Sandbox& s) {
    SQLite::Database db(s.db(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("BEGIN");
    db.exec(chatctl::sqlite::schema::migrations()[0]);
    db.exec("INSERT INTO tenants (id, key, display_name, default_profile_id) VALUES (1, "
            "'old', 'Old', 1);"
            "INSERT INTO profiles (id, tenant_id, name) VALUES (1, 1, 'Default');"
            "INSERT INTO users (tenant_id, login, profile_id) VALUES (1, 'ann', 1);"
            "PRAGMA user_version = 1");
    db.exec("COMMIT");
}

void expect_refused(const Sandbox& s, const std::vector<std::string>& args, int code,
                    const std::string& message_part) {
    std::string before = s.dump();
    std::string bytes_before = s.bytes();
    Result r = s.run(args);
    std::string joined;
    for (const auto& a : args)
        joined += a + " ";
    INFO("chatctl " << joined << "\nstdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.code == code);
    CHECK(r.err.find("chatctl: error: ") != std::string::npos);
    if (!message_part.empty()) CHECK(r.err.find(message_part) != std::string::npos);
    CHECK(r.out.empty());
    CHECK(s.dump() == before);
    CHECK(s.bytes() == bytes_before);
}

std::map<std::string, std::string> users_of(const Sandbox& s, const std::string& tenant) {
    std::map<std::string, std::string> out;
    for (const Json& u : s.ok({"user", "list", "-t", tenant, "-o", "json"}).json()) {
        auto text = [&](const char* k) { return u[k].is_null() ? "-" : u[k].get<std::string>(); };
        out[text("login")] = text("name") + "|" + text("email") + "|" + text("profile");
    }
    return out;
}

void fourteen_agents(const Sandbox& s) {
    s.ok({"tenant", "create", "acme", "-q"});
    s.ok({"profile", "edit", "Default", "-t", "acme", "--max-chats", "1", "--wrap-up", "0", "-q"});
    std::string csv = "login\n";
    for (int i = 0; i < 14; ++i)
        csv += "a" + std::to_string(i) + "\n";
    REQUIRE(s.run({"user", "import", "-t", "acme", "-q", "-"}, {}, csv).code == 0);
}

} // namespace e2e
