// A password given in --db is never shown, whatever its characters and whatever fails: a
// property over generated URIs and keyword/value strings, driven through parse errors,
// refused connections, a missing socket, a missing schema, a wrong password, a held lock,
// and success on the test's PostgreSQL server. And a connection string is never taken for a file.
#include "harness.hpp"

#include <cctype>
#include <cstdio>
#include <doctest/doctest.h>
#include <filesystem>
#include <random>

using namespace e2e;
namespace fs = std::filesystem;

// The test server's role that must give a password (tests/pg/cluster.sh).
static const std::string kPasswordRole = "chatctl_pw";

// Each case runs its commands three times (two failures, the server): a few dozen runs.
const int kCases = sanitized() ? 4 : 12;

namespace {

std::string percent_encode(const std::string& text) {
    std::string out;
    char escaped[4];
    for (unsigned char c : text) {
        if (std::isalnum(c)) {
            out += static_cast<char>(c);
            continue;
        }
        std::snprintf(escaped, sizeof escaped, "%%%02X", c);
        out += escaped;
    }
    return out;
}

// A password that cannot appear by chance, holding the characters URIs and libpq's
// keyword/value form give a meaning to.
std::string password(std::mt19937& rng) {
    static const std::string special = "?#/@%:= &'\\";
    static const std::string letters = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    std::string out = "Zq";
    const int n = std::uniform_int_distribution<int>(8, 14)(rng);
    for (int i = 0; i < n; ++i) {
        const bool odd = std::uniform_int_distribution<int>(0, 2)(rng) == 0;
        const std::string& from = odd ? special : letters;
        out += from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(rng)];
    }
    return out + "x9";
}

std::string quoted(const std::string& value) { // libpq's keyword/value quoting
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

// The --db text for a store at `where` (host and port as keyword/value, or a socket folder),
// its password given in one of the ways a user may write it.
std::string store_text(int form, const std::string& pw, const std::string& host,
                       const std::string& port, const std::string& db,
                       const std::string& user = "postgres") {
    const std::string at = "?host=" + percent_encode(host) + (port.empty() ? "" : "&port=" + port);
    switch (form % 6) {
    case 0:
        return "postgresql://" + user + ":" + pw + "@/" + db + at; // raw: may not parse
    case 1:
        return "postgresql://" + user + ":" + percent_encode(pw) + "@/" + db + at;
    case 2:
        return "POSTGRES:///" + db + at + "&user=" + user + "&password=" + percent_encode(pw);
    case 3:
        return "postgresql:///" + db + at + "&user=" + user + "&%70assword=" + percent_encode(pw);
    case 4:
        return "postgresql:///" + db + at + "&user=" + user + "&pass%77ord=" + pw; // raw
    default:
        return "host=" + quoted(host) + (port.empty() ? "" : " port=" + port) + " dbname=" + db +
               " user=" + user + " password=" + quoted(pw);
    }
}

// Every name under the folder (recursively), joined.
std::string names_under(const std::string& folder, bool recursive) {
    std::string out;
    std::error_code ec;
    if (recursive) {
        for (auto it = fs::recursive_directory_iterator(folder, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
            out += it->path().string() + "\n";
    } else {
        for (const auto& e : fs::directory_iterator(folder, ec))
            out += e.path().string() + "\n";
    }
    return out;
}

void expect_hidden(const std::string& pw, const std::string& where, const std::string& text) {
    INFO(where << ": " << text);
    CHECK(text.find(pw) == std::string::npos);
    CHECK(text.find(percent_encode(pw)) == std::string::npos);
}

} // namespace

TEST_SUITE("secrets") {

    TEST_CASE("a password in --db never appears, whatever its characters and whatever fails") {
        Sandbox s;
        std::mt19937 rng(20);
        const std::string cwd = fs::current_path().string();
        std::string db = "e2e_no_such_db";
        std::string socket = s.dir() + "/no-socket-here";
        if (on_postgres()) {
            const std::string& uri = s.db(); // postgresql:///DB?host=...
            db = uri.substr(uri.find(":///") + 4, uri.find('?') - uri.find(":///") - 4);
            socket = std::getenv("CHATCTL_TEST_PG_HOST");
        }
        int ran = 0, succeeded = 0, refused_password = 0;
        std::vector<std::string> secrets;
        for (int i = 0; i < kCases; ++i) {
            const std::string pw = password(rng);
            secrets.push_back(pw);
            // A refused connection (a port nothing listens on), a missing socket folder,
            // and, on PostgreSQL, the test server (which trusts its socket: the password is
            // ignored, and every command runs to its own end).
            std::vector<std::string> texts = {store_text(i, pw, "127.0.0.1", "1", db),
                                              store_text(i, pw, s.dir() + "/nothing-here", "", db),
                                              store_text(i, pw, socket, "", db)};
            for (const auto& text : texts) {
                std::vector<std::vector<std::string>> commands = {
                    {"tenant", "list"},
                    {"-o", "json", "tenant", "create", "t" + std::to_string(i)},
                    {"-o", "json", "history"},
                    {"store", "upgrade"},
                    {"-o", "json", "store", "init"},
                    {"--lock-timeout", "0", "-o", "json", "tenant", "edit", "t" + std::to_string(i),
                     "--display-name", "x"}};
                for (const auto& args : commands) {
                    std::vector<std::string> full{"--db", text};
                    full.insert(full.end(), args.begin(), args.end());
                    // Through $CHATCTL_DB every other time: the same rules.
                    Result r = i % 2 ? s.run(full, {}, "", true)
                                     : s.run(args, {{"CHATCTL_DB", text}}, "", true);
                    CAPTURE(text);
                    CAPTURE(args[args.size() > 2 ? 2 : 0]);
                    CHECK((r.code == 0 || r.code == 3 || r.code == 5 || r.code == 6));
                    expect_hidden(pw, "stdout", r.out);
                    expect_hidden(pw, "stderr", r.err);
                    ++ran;
                    succeeded += r.code == 0;
                }
            }
            if (on_postgres()) {
                // The role the server asks a password of: a wrong one is refused, the
                // right one (however written) lets the command run.
                std::string literal;
                for (char c : pw)
                    literal += c == '\'' ? std::string("''") : std::string(1, c);
                s.query("ALTER ROLE " + kPasswordRole + " PASSWORD '" + literal + "'");
                const std::string wrong = password(rng);
                secrets.push_back(wrong);
                for (const auto& [given, right] : {std::pair{wrong, false}, std::pair{pw, true}}) {
                    const std::string text = store_text(i, given, socket, "", db, kPasswordRole);
                    Result r = s.run({"--db", text, "-o", "json", "tenant", "list"}, {}, "", true);
                    CAPTURE(text);
                    CAPTURE(r.err);
                    for (const std::string& secret : {pw, wrong}) {
                        expect_hidden(secret, "stdout", r.out);
                        expect_hidden(secret, "stderr", r.err);
                    }
                    if (i % 6 == 0 || i % 6 == 4) continue; // raw: may not parse as written
                    if (right) {
                        CHECK(r.code == 0);
                    } else {
                        CHECK(r.code == 6);
                        CHECK(r.err.find("password") != std::string::npos);
                        ++refused_password;
                    }
                }
            }
            if (on_postgres()) { // a held lock: the error names the store
                LockHolder lock(s);
                Result r = s.run({"--db", texts[2], "--lock-timeout", "0", "tenant", "create",
                                  "locked" + std::to_string(i)},
                                 {}, "", true);
                CHECK((r.code == 5 || r.code == 6));
                expect_hidden(pw, "stderr", r.err);
            }
            expect_hidden(pw, "file names", names_under(s.dir(), true) + names_under(cwd, false));
        }
        if (on_postgres()) {
            CHECK(succeeded > 0);
            CHECK(refused_password > 0);
            const std::string dump = s.dump(); // history's actor and command among it
            for (const std::string& secret : secrets)
                expect_hidden(secret, "the store", dump);
        }
        MESSAGE("commands run: " << ran << ", succeeded: " << succeeded);
    }

    TEST_CASE(
        "a connection string is never a file: keyword/value is PostgreSQL, other URIs refused") {
        Sandbox s;
        const std::string cwd = fs::current_path().string();
        const std::string before = names_under(s.dir(), true) + names_under(cwd, false);
        // libpq's keyword/value form, as psql takes it: a PostgreSQL store (none listens here).
        for (const std::string& text :
             {std::string("host=127.0.0.1 port=1 dbname=contact user=app password=AppSecret-42"),
              std::string("service=chatctl_no_such_service")}) {
            Result r = s.run({"--db", text, "tenant", "create", "x"}, {}, "", true);
            CAPTURE(text);
            CHECK((r.code == 5 || r.code == 6));
            CHECK(r.err.find("AppSecret-42") == std::string::npos);
        }
        // A scheme in capitals is PostgreSQL's still; another URI is refused, exit 5.
        Result r = s.run(
            {"--db", "POSTGRESQL://app:AppSecret-42@127.0.0.1:1/contact", "tenant", "create", "x"},
            {}, "", true);
        CHECK(r.code == 6);
        CHECK(r.err.find("127.0.0.1") != std::string::npos);
        CHECK(r.err.find("AppSecret-42") == std::string::npos);
        for (const std::string& text :
             {std::string("postgresql:/app:AppSecret-42@127.0.0.1:55433"),
              std::string("mysql://app:AppSecret-42@127.0.0.1/contact")}) {
            for (const auto& args : std::vector<std::vector<std::string>>{
                     {"tenant", "create", "x"}, {"tenant", "list"}, {"plan", "-f", "-"}}) {
                Result refused = s.run(args, {{"CHATCTL_DB", text}}, "version: 1\n", true);
                CAPTURE(text);
                CHECK(refused.code == 5);
                CHECK(refused.err.find("$CHATCTL_DB looks like a URI") != std::string::npos);
                CHECK(refused.err.find("AppSecret-42") == std::string::npos);
            }
        }
        CHECK(names_under(s.dir(), true) + names_under(cwd, false) == before);
    }

} // TEST_SUITE
