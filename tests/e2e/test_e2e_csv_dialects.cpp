// `user import` of the files other systems write: their own column names and order
// (--map, templates, --no-header), other separators (found in the header or given), and
// other encodings (converted with iconv), each refused with its place when it is wrong.
#include "harness.hpp"

#include <doctest/doctest.h>

using namespace e2e;

namespace {

Sandbox& acme_and_sales(Sandbox& s) {
    s.ok({"tenant", "create", "acme", "-q"});
    s.ok({"profile", "add", "Sales", "-t", "acme", "-q"});
    return s;
}

Result import_text(const Sandbox& s, const std::string& text, std::vector<std::string> options) {
    std::vector<std::string> args{"user", "import", "-t", "acme", s.write("in.csv", text)};
    args.insert(args.end(), options.begin(), options.end());
    return s.run(args);
}

} // namespace

TEST_SUITE("csv") {

    TEST_CASE("--map reads a field from a column of another name, by name or #N, or joined") {
        Sandbox s;
        acme_and_sales(s);
        // An Amazon Connect user upload: other names, other order, more columns.
        const std::string connect =
            "first name,last name,user login,password,routing profile name,security profile "
            "names,email address\n"
            "Ada,Lovelace,ada,Secret1!,Sales,Agent,ada@x.io\n"
            "Alan,,alan,Secret2!,Default,Agent,\n"
            ",,grace,Secret3!,,Agent,grace@x.io\n";
        Result r =
            import_text(s, connect,
                        {"--map", "name={First Name} {Last Name}", "--map", " login = User Login",
                         "--map", "profile=ROUTING PROFILE NAME", "--map", "email=#7",
                         "--ignore-columns", "password,security profile names"});
        CHECK(r.code == 0);
        CHECK(users_of(s, "acme") ==
              std::map<std::string, std::string>{
                  {"ada", "Ada Lovelace|ada@x.io|Sales"},
                  {"alan", "Alan|-|Default"},          // an empty part: no trailing space
                  {"grace", "-|grace@x.io|Default"}}); // both empty: no name
        CHECK(r.err.find("Secret") == std::string::npos);
        // No header: every field by its place; a template of places.
        s.ok({"user", "delete", "--all", "-t", "acme", "-q"});
        r = import_text(s, "ada;Lovelace;Ada;Sales\nbob;Builder;Bob;\n",
                        {"--no-header", "--delimiter", ";", "--map", "login=#1", "--map",
                         "name={#3} {#2}", "--map", "profile=#4"});
        CHECK(r.code == 0);
        CHECK(users_of(s, "acme") ==
              std::map<std::string, std::string>{{"ada", "Ada Lovelace|-|Sales"},
                                                 {"bob", "Bob Builder|-|Default"}});
        // A bad cell of a mapped column is reported at that cell.
        r = import_text(s, "user login,first name\nok,Ok\nbad login!,X\n",
                        {"--map", "login=user login", "--map", "name=first name"});
        CHECK(r.code == 5);
        CHECK(r.err.find("in.csv:3:1: error: login: \"bad login!\"") != std::string::npos);
    }

    TEST_CASE("columns no field reads are refused all at once, unless skipped") {
        Sandbox s;
        acme_and_sales(s);
        const std::string before = s.dump();
        Result r = import_text(s, "login,phone,team,nmae\nx,1,a,X\n", {});
        CHECK(r.code == 5);
        CHECK(r.err.find(":1:7: error: unknown columns \"phone\", \"team\", \"nmae\"; did you "
                         "mean \"name\" for \"nmae\"?") != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 2); // one line, and the summary
        CHECK(s.dump() == before);
        // A column named as a field that --map reads from elsewhere is not read either.
        r = import_text(s, "login,email,mail\nx,a@x.io,b@x.io\n", {"--map", "email=mail"});
        CHECK(r.code == 5);
        CHECK(r.err.find("\"email\" is not read, as --map email= reads the email from "
                         "elsewhere") != std::string::npos);
        CHECK(s.dump() == before);
        r = import_text(s, "login,email,mail\nx,a@x.io,b@x.io\n",
                        {"--map", "email=mail", "--ignore-unknown-columns"});
        CHECK(r.code == 0);
        CHECK(users_of(s, "acme").at("x") == "-|b@x.io|Default");
        r = import_text(s, "login,phone,team\ny,1,a\n", {"--ignore-unknown-columns"});
        CHECK(r.code == 0);
        CHECK(users_of(s, "acme").count("y") == 1);
    }

    TEST_CASE("--map mistakes are invalid input, named, and nothing is read") {
        Sandbox s;
        acme_and_sales(s);
        const std::string before = s.dump();
        auto refused = [&](const std::string& text, std::vector<std::string> options, int code,
                           const std::string& message) {
            Result r = import_text(s, text, options);
            INFO(r.err);
            CHECK(r.code == code);
            CHECK(r.err.find(message) != std::string::npos);
            CHECK(s.dump() == before);
        };
        const std::string file = "user login,full name\nx,X\n";
        refused(file, {"--map", "nom=full name"}, 5, "\"nom\" is no field (fields: tenant, login");
        refused(file, {"--map", "login"}, 5, "give FIELD=COLUMN");
        refused(file, {"--map", "name=a", "--map", "NAME=b"}, 5, "field name is mapped twice");
        refused(file, {"--map", "login=#0"}, 5, "\"#0\" is no column number");
        refused(file, {"--map", "name={full name"}, 5, "a { is not closed by }");
        refused(file, {"--map", "name=full} name"}, 5, "a } closes no {");
        refused(file, {"--map", "login=user logn"}, 5,
                "--map \"login=user logn\": the header has no column \"user logn\"; did you mean "
                "\"user login\"?");
        refused(file, {"--map", "login=#3"}, 5, "the file's rows have 2 columns, not #3");
        refused("x,X\n", {"--no-header", "--map", "login=user login"}, 5,
                "a file without a header names its columns #1, #2, ...");
        refused("x,X\n", {"--no-header", "--map", "name=#2"}, 5,
                "no column is read as the login: give --map login=#N");
    }

    TEST_CASE("the separator is found in the header and said when not a comma") {
        Sandbox s;
        acme_and_sales(s);
        for (const auto& [sep, shown] : std::vector<std::pair<std::string, std::string>>{
                 {";", "';'"}, {"\t", "tab"}, {"|", "'|'"}}) {
            CAPTURE(shown);
            const std::string login = "u" + std::to_string(sep[0]);
            Result r = import_text(s,
                                   "login" + sep + "name" + sep + "email\n" + login + sep +
                                       "Dupont, Jean" + sep + login + "@x.io\n",
                                   {});
            CHECK(r.code == 0);
            CHECK(r.err.find("in.csv: note: fields are separated by " + shown +
                             " (found in the header; --delimiter sets it)") != std::string::npos);
            CHECK(users_of(s, "acme").at(login) == "Dupont, Jean|" + login + "@x.io|Default");
        }
        // A comma needs no word; a separator given needs none; -q says nothing.
        Result comma = import_text(s, "login,name\nc1,\"A; B\"\n", {});
        CHECK(comma.err.find("note:") == std::string::npos);
        CHECK(users_of(s, "acme").at("c1") == "A; B|-|Default");
        Result given = import_text(s, "login;name\nc2;B\n", {"--delimiter", ";"});
        CHECK(given.err.find("note:") == std::string::npos);
        Result quiet = import_text(s, "login;name\nc3;C\n", {"-q"});
        CHECK(quiet.code == 0);
        CHECK(quiet.err.empty());
        // The names mapped count too.
        Result mapped = import_text(s, "user login;full name\nc4;D,y\n",
                                    {"--map", "login=user login", "--map", "name=full name"});
        CHECK(mapped.code == 0);
        CHECK(users_of(s, "acme").at("c4") == "D,y|-|Default");
        // A separator given wins over what the header suggests.
        Result forced = import_text(s, "login;name\nc5;E\n", {"--delimiter", ","});
        CHECK(forced.code == 5);
        CHECK(forced.err.find("unknown column \"login;name\"") != std::string::npos);
        Result colon = s.run({"user", "import", "-t", "acme", "x.csv", "--delimiter", ":"});
        CHECK(colon.code == 5);
        CHECK(colon.err.find("--delimiter \":\" is not one chatctl reads") != std::string::npos);
    }

    TEST_CASE("every encoding named is read; text that is not UTF-8 is refused with a hint") {
        Sandbox s;
        acme_and_sales(s);
        // "Rénée Müller" and "Zoë €" in each encoding, CRLF line ends.
        const std::string header = "login,name\r\n";
        const std::map<std::string, std::string> files{
            {"windows-1252", header + "w1,R\xe9n\xe9"
                                      "e M\xfcller\r\nw2,Zo\xeb \x80\r\n"},
            {"iso-8859-15", header + "i15a,R\xe9n\xe9"
                                     "e M\xfcller\r\ni15b,Zo\xeb \xa4\r\n"},
            {"iso-8859-1", header + "i1,R\xe9n\xe9"
                                    "e M\xfcller\r\n"},
        };
        for (const auto& [encoding, text] : files) {
            CAPTURE(encoding);
            CHECK(import_text(s, text, {"--encoding", encoding}).code == 0);
        }
        // UTF-16 with its byte order mark, little and big endian.
        auto utf16 = [](const std::string& ascii, bool little) {
            std::string out = little ? "\xff\xfe" : "\xfe\xff";
            for (char c : ascii) {
                out += little ? std::string{c, '\0'} : std::string{'\0', c};
            }
            return out;
        };
        CHECK(import_text(s, utf16("login,name\r\nle,Little\r\n", true), {"--encoding", "utf-16"})
                  .code == 0);
        CHECK(import_text(s, utf16("login,name\nbe,Big\n", false), {"--encoding", "utf-16"}).code ==
              0);
        // A UTF-8 byte order mark is skipped.
        CHECK(import_text(s, "\xEF\xBB\xBFlogin,name\nu8,Ren\xC3\xA9\x65\n", {}).code == 0);
        const auto all = users_of(s, "acme");
        CHECK(all.at("w1") == "R\xC3\xA9n\xC3\xA9"
                              "e M\xC3\xBCller|-|Default");
        CHECK(all.at("w2") == "Zo\xC3\xAB \xE2\x82\xAC|-|Default");
        CHECK(all.at("i15b") == "Zo\xC3\xAB \xE2\x82\xAC|-|Default");
        CHECK(all.at("i1") == all.at("w1"));
        CHECK(all.at("le") == "Little|-|Default");
        CHECK(all.at("be") == "Big|-|Default");
        CHECK(all.at("u8") == "Ren\xC3\xA9\x65|-|Default");

        const std::string before = s.dump();
        auto refused = [&](const std::string& text, std::vector<std::string> options,
                           const std::string& message) {
            Result r = import_text(s, text, options);
            INFO(r.err);
            CHECK(r.code == 5);
            CHECK(r.err.find(message) != std::string::npos);
            CHECK(s.dump() == before);
        };
        refused(files.at("windows-1252"), {},
                "in.csv:2:5: error: the file is not valid UTF-8 (a file saved by a spreadsheet on "
                "Windows is often windows-1252: --encoding windows-1252 reads it)");
        refused(header + "x,ok\r\ny,a\x81z\r\n", {"--encoding", "windows-1252"},
                "in.csv:3:4: error: a byte that is no character of windows-1252");
        refused(utf16("login\nz\n", true).substr(2), {"--encoding", "utf-16"},
                "in.csv:1:1: error: the file does not start with a UTF-16 byte order mark");
        refused(utf16("login\nz\n", true) + "\x41", {"--encoding", "utf-16"},
                "the file ends inside a character");
        Result latin9 = s.run({"user", "import", "-t", "acme", "x.csv", "--encoding", "latin9"});
        CHECK(latin9.code == 5);
        CHECK(latin9.err.find("--encoding \"latin9\" is not one") != std::string::npos);
    }

    TEST_CASE("5,000 rows naming 4 unknown profiles: a screenful, each profile with its count") {
        Sandbox s;
        acme_and_sales(s);
        const std::vector<std::string> profiles{"Sales", "Sales Tier 2", "Nights", "VIP",
                                                "Overflow"};
        std::string text = "login,profile\n";
        for (int i = 0; i < 5000; ++i)
            text += "u" + std::to_string(i) + "," + profiles[static_cast<size_t>(i) % 5] + "\n";
        const std::string before = s.dump();
        Result r = import_text(s, text, {});
        CHECK(r.code == 5); // an unknown profile is invalid input
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') < 30);
        for (size_t k = 1; k < profiles.size(); ++k) {
            CAPTURE(profiles[k]);
            const int line = static_cast<int>(k) + 2; // row k: "uK,PROFILE", the cell at 4
            CHECK(r.err.find(
                      ":" + std::to_string(line) + ":4: error: profile \"" + profiles[k] +
                      "\" exists nowhere in tenant acme (its profiles: \"Default\", \"Sales\"): "
                      "1,000 times (lines " +
                      std::to_string(line) + ", " + std::to_string(line + 5) + ", " +
                      std::to_string(line + 10) + ", " + std::to_string(line + 15) + ", " +
                      std::to_string(line + 20) + ", ...)") != std::string::npos);
        }
        CHECK(s.dump() == before);
        // JSON lists every fault.
        Result json = import_text(s, text, {"-o", "json"});
        CHECK(json.code == 5);
        CHECK(json.err_json()["error"]["diagnostics"].size() == 4000);
    }

    TEST_CASE("every fault in one run: the file's own, tenants missing, profiles unknown") {
        Sandbox s;
        acme_and_sales(s);
        const std::string before = s.dump();
        auto run = [&](const std::string& text) {
            return s.run({"user", "import", s.write("all.csv", text)});
        };
        const std::string rows = "ok,acme,Sales\n"
                                 "lost,nope,Sales\n"
                                 "lost2,nope,Sales\n"
                                 "who,acme,Nope\n";
        // A format fault: invalid input, with what the store says of the other rows.
        Result all = run("login,tenant,profile\nbad login!,acme,Sales\n" + rows);
        INFO(all.err);
        CHECK(all.code == 5);
        const size_t bad = all.err.find("all.csv:2:1: error: login: \"bad login!\"");
        const size_t tenant = all.err.find("all.csv:4:6: error: tenant \"nope\" not found");
        const size_t profile = all.err.find("all.csv:6:10: error: profile \"Nope\" exists nowhere");
        CHECK(bad != std::string::npos);
        CHECK(tenant != std::string::npos);
        CHECK(profile != std::string::npos);
        CHECK((bad < tenant && tenant < profile)); // in the file's order
        CHECK(all.err.find("3 errors; nothing was written") != std::string::npos);
        CHECK(s.dump() == before);
        // The store's faults alone: the plan's kind (an unknown profile: invalid input) ...
        Result store = run("login,tenant,profile\n" + rows);
        CHECK(store.code == 5);
        CHECK(store.err.find("tenant \"nope\" not found") != std::string::npos);
        CHECK(store.err.find("profile \"Nope\" exists nowhere") != std::string::npos);
        // ... and a missing tenant alone is not found, as before.
        CHECK(run("login,tenant\nx,nope\n").code == 3);
        CHECK(s.dump() == before);
        // A store that cannot be opened (a folder): the file's faults are still reported.
        Result none = s.run({"--db", s.dir(), "user", "import", "-t", "acme",
                             s.write("bad.csv", "login\nbad login!\n")},
                            {}, "", true);
        CHECK(none.code == 5);
        CHECK(none.err.find("bad.csv:2:1: error: login") != std::string::npos);
    }

    TEST_CASE("user list -o csv: --columns picks and orders columns, --delimiter separates") {
        Sandbox s;
        acme_and_sales(s);
        s.ok({"user", "add", "jean", "-t", "acme", "--name", "Dupont; Jean", "--email", "jean@x.io",
              "--profile", "Sales", "-q"});
        s.ok({"user", "add", "ann", "-t", "acme", "-q"});
        auto list = [&](std::vector<std::string> options) {
            std::vector<std::string> args{"user", "list", "-t", "acme", "-o", "csv"};
            args.insert(args.end(), options.begin(), options.end());
            return s.ok(args).out;
        };
        CHECK(list({"--columns", "login,email,profile"}) ==
              "login,email,profile\nann,,Default\njean,jean@x.io,Sales\n");
        CHECK(list({"--columns", " Profile ", "--columns", "LOGIN"}) ==
              "profile,login\nDefault,ann\nSales,jean\n");
        CHECK(list({"--columns", "login,name", "--delimiter", ";"}) ==
              "login;name\nann;\njean;\"Dupont; Jean\"\n");
        CHECK(list({"--columns", "login,name", "--delimiter", "tab"}) ==
              "login\tname\nann\t\njean\tDupont; Jean\n");
        // What it prints, import reads: the separator found, the columns by name.
        s.ok({"tenant", "create", "beta", "-q"});
        s.ok({"profile", "add", "Sales", "-t", "beta", "-q"});
        const std::string tabbed = list({"--delimiter", "tab"});
        s.ok({"user", "import", "-t", "beta", "--ignore-columns", "tenant",
              s.write("tabbed.csv", tabbed)});
        CHECK(s.ok({"user", "list", "-t", "beta", "-o", "csv", "--columns",
                    "login,name,email,profile"})
                  .out == list({"--columns", "login,name,email,profile"}));
        // Bad values are invalid input; --columns without -o csv is a usage error.
        auto refused = [&](std::vector<std::string> args, int code, const std::string& message) {
            Result r = s.run(args);
            INFO(r.err);
            CHECK(r.code == code);
            CHECK(r.err.find(message) != std::string::npos);
        };
        refused({"user", "list", "-t", "acme", "-o", "csv", "--columns", "logn"}, 5,
                "--columns names \"logn\", which is no column; did you mean \"login\"?");
        refused({"user", "list", "-t", "acme", "-o", "csv", "--columns", "login,LOGIN"}, 5,
                "--columns names \"login\" twice");
        refused({"user", "list", "-t", "acme", "--columns", "login"}, 64,
                "--columns and --delimiter shape -o csv");
        refused({"user", "list", "-t", "acme", "-o", "csv", "--delimiter", "x"}, 5,
                "--delimiter \"x\" is not one chatctl reads");
    }

    TEST_CASE("columns by place: found with their separator, each read or skipped on purpose") {
        Sandbox s;
        acme_and_sales(s);
        // No header name is known: the separator that gives the columns --map names wins,
        // and the password column is never printed.
        Result r =
            import_text(s, "User Id;Full Name;Password\nann;Ann Lee;Pa55word!1\n",
                        {"--map", "login=#1", "--map", "name=#2", "--ignore-unknown-columns"});
        CHECK(r.code == 0);
        CHECK(r.err.find("Pa55word") == std::string::npos);
        CHECK(r.out.find("Pa55word") == std::string::npos);
        CHECK(users_of(s, "acme").at("ann") == "Ann Lee|-|Default");
        s.ok({"user", "delete", "--all", "-t", "acme", "-q"});
        const std::string emptied = s.dump();
        // Without a header, a column no --map reads is refused, named by its place only.
        Result unread =
            import_text(s, "bob,Bob,Pa55word!2\n", {"--no-header", "--map", "login=#1"});
        CHECK(unread.code == 5);
        CHECK(unread.err.find("no --map reads columns #2, #3 (--ignore-unknown-columns skips") !=
              std::string::npos);
        CHECK(unread.err.find("Pa55word") == std::string::npos);
        CHECK(s.dump() == emptied);
        // A column both read and skipped is a mistake, not a choice.
        Result both = import_text(s, "user,login\nann,x\n",
                                  {"--map", "login=user", "--ignore-columns", "user,login"});
        CHECK(both.code == 5);
        CHECK(both.err.find("column \"user\" is both read by --map and skipped by "
                            "--ignore-columns") != std::string::npos);
        CHECK(s.dump() == emptied);
    }

    TEST_CASE("a malformed --map is refused before the file is read; faults in the file's order") {
        Sandbox s;
        acme_and_sales(s);
        Result missing =
            s.run({"user", "import", "-t", "acme", s.dir() + "/nosuch.csv", "--map", "bogus=x"});
        CHECK(missing.code == 5);
        CHECK(missing.err.find("\"bogus\" is no field") != std::string::npos);
        CHECK(missing.err.find("cannot read") == std::string::npos);
        Result piped =
            s.run({"user", "import", "-t", "acme", "-", "--map", "bogus=x"}, {}, "login\nx\n");
        CHECK(piped.code == 5);
        CHECK(piped.err.find("\"bogus\" is no field") != std::string::npos);
        // A profile unknown (found by planning) on line 2 comes before a bad login on line 4.
        Result r = import_text(s, "login,profile\nx,Nope\ny,Sales\nbad login!,Sales\n", {});
        CHECK(r.code == 5);
        const size_t profile = r.err.find("in.csv:2:3: error: profile \"Nope\"");
        const size_t login = r.err.find("in.csv:4:1: error: login");
        CHECK(profile != std::string::npos);
        CHECK(login != std::string::npos);
        CHECK(profile < login);
        // The same message twice with no place to count it by is not grouped.
        Result twice = s.run({"tenant", "list", "--bogus", "--bogus"});
        CHECK(twice.err.find("lines 0") == std::string::npos);
        // When the store cannot be asked, the file's faults say so.
        Result none = s.run({"--db", s.dir(), "user", "import", "-t", "acme",
                             s.write("bad.csv", "login\nbad login!\n")},
                            {}, "", true);
        CHECK(none.code == 5);
        CHECK(none.err.find("hint: the rows were not checked against the store: ") !=
              std::string::npos);
    }

    TEST_CASE("encodings are named in any case; a UTF-16 file read as UTF-8 is told so") {
        Sandbox s;
        acme_and_sales(s);
        CHECK(import_text(s,
                          "login,name\nw1,R\xe9n\xe9"
                          "e\n",
                          {"--encoding", "Windows-1252"})
                  .code == 0);
        CHECK(users_of(s, "acme").at("w1") == "R\xC3\xA9n\xC3\xA9"
                                              "e|-|Default");
        Result r = import_text(s, std::string("\xff\xfel\0o\0g\0i\0n\0\n\0", 14), {});
        CHECK(r.code == 5);
        CHECK(r.err.find("in.csv:1:1: error: the file is not valid UTF-8 (it starts with a "
                         "UTF-16 byte order mark: --encoding utf-16 reads it)") !=
              std::string::npos);
    }
}
