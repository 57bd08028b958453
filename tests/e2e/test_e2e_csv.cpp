// CSV in (`user import`) and out (`-o csv`): RFC 4180 both ways, all or nothing, every
// bad row reported at its place, the store unchanged after every refusal.
#include "harness.hpp"

#include <doctest/doctest.h>

using namespace e2e;

namespace {

Sandbox& with_tenant(Sandbox& s) {
    s.ok({"tenant", "create", "acme", "-q"});
    s.ok({"profile", "add", "Sales", "-t", "acme", "-q"});
    s.ok({"profile", "add", "Night shift", "-t", "acme", "-q"});
    return s;
}

Json users(const Sandbox& s, const std::string& tenant = "acme") {
    return s.ok({"user", "list", "-t", tenant, "-o", "json"}).json();
}

Json user(const Sandbox& s, const std::string& login) {
    return s.ok({"user", "show", login, "-t", "acme", "-o", "json"}).json();
}

// user import of the text is invalid input naming the message, and changes nothing.
void import_refused(const Sandbox& s, const std::string& text, const std::string& message) {
    expect_refused(s, {"user", "import", "-t", "acme", s.write("in.csv", text)}, 5, message);
}

} // namespace

TEST_SUITE("csv") {

    TEST_CASE("import reads RFC 4180: quotes, commas, quotes in quotes, newlines, CRLF, a BOM") {
        Sandbox s;
        with_tenant(s);
        std::string file = s.write("a.csv", "\xEF\xBB\xBFprofile,login,email,name\r\n"
                                            "Sales,obrien,pat@x.io,\"O'Brien, Pat\"\r\n"
                                            ",anne,,Anne-Marie: Team B\r\n"
                                            "Night shift,q,,\"say \"\"hi\"\"\"\r\n"
                                            "sales,lf,,\"Lee, \"\"Jr\"\"\"\n");
        Result r = s.ok({"user", "import", "-t", "acme", file});
        CHECK(r.out.find("Applied: 4 added") != std::string::npos);
        CHECK(user(s, "obrien")["name"] == "O'Brien, Pat");
        CHECK(user(s, "obrien")["profile"] == "Sales");
        CHECK(user(s, "anne")["name"] == "Anne-Marie: Team B");
        CHECK(user(s, "anne")["profile"] == "Default"); // no profile: the tenant default
        CHECK(user(s, "anne")["email"].is_null());
        CHECK(user(s, "q")["name"] == "say \"hi\"");
        CHECK(user(s, "q")["profile"] == "Night shift");
        CHECK(user(s, "lf")["profile"] == "Sales"); // names compare ignoring case
        CHECK(user(s, "lf")["name"] == "Lee, \"Jr\"");
        CHECK(s.ok({"history", "--limit", "1", "-o", "json"}).json()[0]["command"] ==
              "user import");
    }

    TEST_CASE("import updates users to the file's values; left-out columns and cells keep") {
        Sandbox s;
        with_tenant(s);
        s.ok({"user", "add", "bob", "-t", "acme", "--name", "Bob", "--email", "b@x.io", "--profile",
              "Sales"});
        s.ok({"user", "add", "eve", "-t", "acme", "--name", "Eve"});
        // No name or email column: both kept; an empty profile cell keeps the profile.
        s.ok(
            {"user", "import", "-t", "acme", s.write("p.csv", "login,profile\nBOB,\neve,Sales\n")});
        CHECK(user(s, "bob")["name"] == "Bob");
        CHECK(user(s, "bob")["email"] == "b@x.io");
        CHECK(user(s, "bob")["profile"] == "Sales");
        CHECK(user(s, "eve")["profile"] == "Sales");
        // A name column: an empty cell clears the name.
        s.ok({"user", "import", "-t", "acme", s.write("n.csv", "login,name\nbob,\n")});
        CHECK(user(s, "bob")["name"].is_null());
        CHECK(user(s, "bob")["email"] == "b@x.io");
        // The same file again changes nothing and records nothing.
        Json history = s.ok({"history", "-o", "json"}).json();
        CHECK(s.ok({"user", "import", "-t", "acme", s.dir() + "/n.csv"}).out == "No changes.\n");
        CHECK(s.ok({"history", "-o", "json"}).json() == history);
    }

    TEST_CASE("--prune deletes the users the file does not list; --dry-run writes nothing") {
        Sandbox s;
        with_tenant(s);
        for (const char* login : {"a", "b", "c"})
            s.ok({"user", "add", login, "-t", "acme", "-q"});
        std::string file = s.write("u.csv", "login\nb\nd\n");
        std::string before = s.dump();
        Result plan = s.ok({"user", "import", "-t", "acme", file, "--prune", "--dry-run"});
        CHECK(plan.out.find("- user acme/a") != std::string::npos);
        CHECK(plan.out.find("+ user acme/d") != std::string::npos);
        CHECK(plan.out.find("Plan: 1 to add, 0 to change, 2 to destroy.") != std::string::npos);
        CHECK(s.dump() == before);
        s.ok({"user", "import", "-t", "acme", file, "--prune"});
        Json list = users(s);
        REQUIRE(list.size() == 2);
        CHECK(list[0]["login"] == "b");
        CHECK(list[1]["login"] == "d");
        // A file of no rows would delete everyone: that is said with --all, not --prune.
        expect_refused(s, {"user", "import", "-t", "acme", s.write("h.csv", "login\n"), "--prune"},
                       5, "user delete --all");
        CHECK(s.ok({"user", "import", "-t", "acme", s.dir() + "/h.csv"}).out == "No changes.\n");
    }

    TEST_CASE("every bad row is reported at once, at FILE:LINE:COLUMN, and nothing is written") {
        Sandbox s;
        with_tenant(s);
        s.ok({"user", "add", "keep", "-t", "acme"});
        std::string file = s.write("bad.csv", "login,name,email,profile\n"
                                              "ok1,Fine,,\n"
                                              "bad login,,,\n"
                                              "ok2,,not-an-email,\n"
                                              "ok3,\"two\nlines\",,\n"
                                              "short,row\n"
                                              "OK1,,,\n");
        std::string before = s.dump();
        Result r = s.run({"user", "import", "-t", "acme", file});
        INFO(r.err);
        CHECK(r.code == 5);
        CHECK(r.out.empty());
        CHECK(s.dump() == before);
        CHECK(r.err.find(file + ":3:1: error: login") != std::string::npos);
        CHECK(r.err.find(file + ":4:6: error: email") != std::string::npos);
        CHECK(r.err.find(file + ":5:5: error: name") != std::string::npos); // no line ends in it
        CHECK(r.err.find(file + ":7:1: error: this row has 2 fields; the header has 4") !=
              std::string::npos);
        CHECK(r.err.find(file + ":8:1: error: user \"OK1\" is listed twice: at " + file + ":2:1") !=
              std::string::npos);
        CHECK(r.err.find("chatctl: error: 5 errors; nothing was written") != std::string::npos);
        // A profile that does not exist is found against the store, with the nearest name.
        r = s.run({"user", "import", "-t", "acme", s.write("p.csv", "login,profile\nx,Salse\n")});
        CHECK(r.code == 5);
        CHECK(r.err.find(":2:3: error: profile \"Salse\" exists nowhere in tenant acme; did you "
                         "mean \"Sales\"?") != std::string::npos);
        CHECK(s.dump() == before);
    }

    TEST_CASE("the header: login required, known columns in any case, none twice") {
        Sandbox s;
        with_tenant(s);
        auto refused = [&](const std::string& text, const std::string& m) {
            import_refused(s, text, m);
        };
        refused("login,mail\nx,y\n", "unknown column \"mail\"; did you mean \"email\"?");
        refused("name\nx\n", "the header has no login column");
        refused("login,LOGIN\nx,y\n", "column \"LOGIN\" is given twice");
        refused("", "the file is empty: a header row is needed");
        refused("login,nmae\nx,y\n", "--ignore-columns A,B or --ignore-unknown-columns skips");
        // With -t, a row naming another tenant is refused at its cell.
        refused(" Login ,Tenant\nx,acme\ny,other\n",
                ":3:3: error: this row is of tenant \"other\", not of \"acme\" given by --tenant");
        expect_refused(s,
                       {"user", "import", "-t", "acme", "--ignore-columns", "tenant,phone",
                        s.write("i.csv", "login,tenant\nx,other\n")},
                       5, "--ignore-columns names \"phone\", which the header does not have");
        s.ok({"user", "import", "-t", "acme", "--ignore-columns", " TENANT ", "--ignore-columns",
              "phone", s.write("ok.csv", " Login ,Tenant,Phone\nx,other,555\n")});
        CHECK(users(s)[0]["login"] == "x"); // the ignored tenant column: every row to acme
    }

    TEST_CASE("a tenant column sends each row to its tenant, all of them in one change") {
        Sandbox s;
        with_tenant(s);
        s.ok({"tenant", "create", "beta", "-q"});
        s.ok({"tenant", "create", "gamma", "-q"});
        s.ok({"user", "add", "old", "-t", "beta", "-q"});
        s.ok({"user", "add", "keep", "-t", "gamma", "-q"});
        // Rows of three tenants, interleaved; $CHATCTL_TENANT is only for rows naming none.
        const std::string text = "tenant,login,profile\nbeta,b2,\nacme,a1,Sales\nbeta,b1,\n"
                                 "acme,a0,\n,d1,\n";
        const std::string file = s.write("t.csv", text);
        std::string before = s.dump();
        expect_refused(s, {"user", "import", file}, 5,
                       ":6:1: error: the tenant cell is empty: fill it, or give -t TENANT");
        expect_refused(s, {"user", "import", s.write("n.csv", "login\nx\n")}, 5,
                       "the header has no tenant column: give -t TENANT");
        expect_refused(s, {"user", "import", s.write("u.csv", "tenant,login\nacme,x\nnope,y\n")}, 3,
                       "nope");
        expect_refused(s, {"user", "import", s.write("k.csv", "tenant,login\nAcme,x\n")}, 5,
                       ":2:1: error: tenant");
        CHECK(s.dump() == before);
        Result r = s.run({"user", "import", "--prune", file}, {{"CHATCTL_TENANT", "gamma"}});
        INFO(r.err);
        REQUIRE(r.code == 0);
        CHECK(users(s, "beta").size() == 2); // b1, b2; old pruned: beta is in the file
        CHECK(users(s, "acme").size() == 2);
        CHECK(user(s, "a1")["profile"] == "Sales");
        Json gamma = users(s, "gamma"); // d1 by $CHATCTL_TENANT; keep pruned: gamma is named
        REQUIRE(gamma.size() == 1);
        CHECK(gamma[0]["login"] == "d1");
        Json h = s.ok({"history", "--limit", "1", "-o", "json"}).json();
        Json all =
            s.ok({"history", "--change", std::to_string(h[0]["change"].get<int>()), "-o", "json"})
                .json();
        CHECK(all.size() == 7); // 5 added, 2 deleted: one change
        // Tenants the file does not name are never touched by --prune.
        s.ok({"user", "import", "--prune", s.write("b.csv", "tenant,login\nbeta,b1\n")});
        CHECK(users(s, "beta").size() == 1);
        CHECK(users(s, "acme").size() == 2);
    }

    TEST_CASE("hostile CSV is refused with its place, the store unchanged") {
        Sandbox s;
        with_tenant(s);
        auto refused = [&](const std::string& text, const std::string& m) {
            import_refused(s, text, m);
        };
        refused("login,name\nx,\"open\n", ":2:3: error: a quoted field is not closed");
        refused("login,name\nx,ab\"c\n", ":2:5: error: a quote in an unquoted field");
        refused("login,name\nx,\"ab\"c\n", ":2:7: error: text after a closing quote");
        refused(std::string("login,name\nx,a\0b\n", 16), ":2:3: error: name");
        refused(std::string("login\nx\0y\n", 10), ":2:1: error: login");
        refused("login,name\nx,\xff\xfe\n", ":2:3: error: the file is not valid UTF-8");
        refused("login,name\nx,\"" + std::string(10 << 20, 'a') + "\"\n",
                ":2:1: error: a row longer than 16 KiB");
        refused("login\nbob\nBoB\nbob\n", "is listed twice");
        // A folder, a missing file.
        expect_refused(s, {"user", "import", "-t", "acme", s.dir()}, 5, "is a folder");
        expect_refused(s, {"user", "import", "-t", "acme", s.dir() + "/none.csv"}, 5,
                       "cannot read");
        // An unknown tenant is not found; the file's own faults come first.
        expect_refused(s, {"user", "import", "-t", "nope", s.write("ok.csv", "login\nx\n")}, 3,
                       "nope");
    }

    TEST_CASE("200,000 rows import in one transaction; a bad last row writes none of them") {
        Sandbox s;
        with_tenant(s);
        std::string text = "login,name,profile\n";
        const int n = sanitized() ? 40000 : 200000; // the sanitizers are several times slower
        for (int i = 0; i < n; ++i)
            text += "agent" + std::to_string(i) + ",\"Agent, " + std::to_string(i) + "\"," +
                    (i % 2 ? "Sales" : "") + "\n";
        std::string bad = s.write("bad.csv", text + "x y,,\n");
        std::string before = s.dump();
        Result r = s.run({"user", "import", "-t", "acme", bad});
        CHECK(r.code == 5);
        CHECK(r.err.find(":" + std::to_string(n + 2) + ":1: error: login") != std::string::npos);
        CHECK(s.dump() == before);
        Result ok = s.run({"user", "import", "-t", "acme", "-q", "-"}, {}, text);
        CHECK(ok.code == 0);
        Json p = s.ok({"profile", "show", "Sales", "-t", "acme", "-o", "json"}).json();
        CHECK(p["users"] == n / 2);
        CHECK(s.ok({"tenant", "show", "acme", "-o", "json"}).json()["users"] == n);
        CHECK(s.ok({"history", "--limit", "1", "-o", "json"}).json()[0]["change"] ==
              s.ok({"history", "--limit", "1", "-o", "json"}).json()[0]["change"]);
        Json last = s.ok({"history", "--kind", "user", "--limit", "1", "-o", "json"}).json()[0];
        Json first = s.ok({"history", "--change", std::to_string(last["change"].get<int>()),
                           "--limit", "300000", "-o", "json"})
                         .json();
        CHECK(first.size() == n); // one change number for the whole import
    }

    TEST_CASE("-o csv prints every list with a header row, fields as the JSON has them") {
        Sandbox s;
        with_tenant(s);
        s.ok({"tenant", "edit", "acme", "--display-name", "ACME, Inc.", "--owner", "ci/tenants"});
        s.ok({"user", "add", "bob", "-t", "acme", "--name", "Say \"hi\", Bob"});
        CHECK(s.ok({"tenant", "list", "-o", "csv"}).out ==
              "tenant,display_name,owner,default_profile,profiles,users\n"
              "acme,\"ACME, Inc.\",ci/tenants,Default,3,1\n");
        CHECK(s.ok({"profile", "list", "-t", "acme", "-o", "csv"}).out ==
              "tenant,name,default,max_concurrent_chats,wrap_up_seconds,description,users\n"
              "acme,Default,true,3,60,,1\n"
              "acme,Night shift,false,3,60,,0\n"
              "acme,Sales,false,3,60,,0\n");
        CHECK(s.ok({"user", "list", "-t", "acme", "-o", "csv"}).out ==
              "tenant,login,name,email,profile\n"
              "acme,bob,\"Say \"\"hi\"\", Bob\",,Default\n");
        CHECK(s.ok({"user", "list", "-t", "acme", "--profile", "Sales", "-o", "csv"}).out ==
              "tenant,login,name,email,profile\n");
        std::string h = s.ok({"history", "--limit", "1", "-o", "csv"}).out;
        CHECK(h.rfind("id,change,at,actor,command,tenant,kind,key,action,before,after,reason\n",
                      0) == 0);
        CHECK(h.find(",user add,acme,user,bob,create,,\"{\"\"tenant\"\":\"\"acme\"\",") !=
              std::string::npos);
        // Only lists print as CSV; the rest say so before doing anything.
        expect_refused(s, {"user", "show", "bob", "-t", "acme", "-o", "csv"}, 5,
                       "--output csv is for the list commands and history");
        expect_refused(s, {"user", "add", "zed", "-t", "acme", "-o", "csv"}, 5, "prints no list");
        expect_refused(s, {"export", "-o", "csv"}, 5, "prints no list");
    }

    TEST_CASE("user list -o csv | user import copies a tenant's agents") {
        Sandbox s;
        with_tenant(s);
        s.ok({"tenant", "create", "copy", "-q"});
        s.ok({"profile", "add", "Sales", "-t", "copy", "-q"});
        s.ok({"profile", "add", "Night shift", "-t", "copy", "-q"});
        s.ok(
            {"user", "add", "a", "-t", "acme", "--name", "O'Brien, \"Pat\"", "--profile", "Sales"});
        s.ok({"user", "add", "b", "-t", "acme", "--email", "b@x.io", "--profile", "Night shift"});
        s.ok({"user", "add", "c", "-t", "acme"});
        std::string csv = s.ok({"user", "list", "-t", "acme", "-o", "csv"}).out;
        CHECK(s.run({"user", "import", "-t", "copy", "-"}, {}, csv).code == 5); // acme's rows
        CHECK(s.run({"user", "import", "-t", "copy", "--ignore-columns", "tenant", "-"}, {}, csv)
                  .code == 0);
        Json from = users(s), to = users(s, "copy");
        REQUIRE(to.size() == 3);
        for (auto& u : from)
            u["tenant"] = "copy";
        CHECK(from == to);
    }

} // TEST_SUITE
