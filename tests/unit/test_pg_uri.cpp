// Which texts name which store (core/store/store_text), and how a PostgreSQL store is shown
// (core/store/postgres/pg_conninfo): from libpq's own parse, never with its password.
#include "core/error.hpp"
#include "core/store/postgres/pg_conninfo.hpp"
#include "core/store/store.hpp"
#include "core/store/store_text.hpp"

#include <doctest/doctest.h>

using chatctl::describe_store;
using chatctl::StoreTextKind;
using chatctl::postgres::describe_conninfo;

namespace {

StoreTextKind kind(const std::string& text) {
    return chatctl::classify_store_text(text);
}

} // namespace

TEST_CASE("a PostgreSQL store is a URI in any letter case, or libpq's keyword/value form") {
    for (const char* text :
         {"postgresql://ann@host/db", "postgres://ann@host/db", "POSTGRESQL://ann@host/db",
          "PostgreS://host", "host=127.0.0.1 port=55433 dbname=contact user=app password=x",
          "service=prod", " dbname = contact", "dbname='my db'"})
        CHECK_MESSAGE(kind(text) == StoreTextKind::postgres, text);
    // Anything else that looks like a URI is refused, never a file.
    for (const char* text : {"postgresql:/app:AppSecret-42@127.0.0.1:55433", "mysql://host/db",
                             "sqlite:///tmp/x.db", "file:/tmp/x.db", "/tmp/a://b", "x://"})
        CHECK_MESSAGE(kind(text) == StoreTextKind::unknown_uri, text);
    for (const char* text : {"store.db", "/tmp/ann:secret@host/db", "postgresql:x", "./a=b.db",
                             "/tmp/x=1/store.db", "C:store.db", "dir/sub:file"})
        CHECK_MESSAGE(kind(text) == StoreTextKind::file, text);
    CHECK_THROWS_AS(chatctl::check_store_text("mysql://u:hunter2@h/db", "--db"), chatctl::Error);
    try {
        chatctl::check_store_text("mysql://u:hunter2@h/db", "$CHATCTL_DB");
    } catch (const chatctl::Error& e) {
        CHECK(e.kind() == chatctl::ErrorKind::invalid_input);
        CHECK(std::string(e.what()).find("$CHATCTL_DB") != std::string::npos);
        CHECK(std::string(e.what()).find("hunter2") == std::string::npos);
    }
}

TEST_CASE("a PostgreSQL store is named from libpq's parse, less its password") {
    CHECK(describe_conninfo("postgresql://ann:secret@db.example.com:5432/contact") ==
          "postgresql://ann:***@db.example.com:5432/contact");
    CHECK(describe_conninfo("POSTGRES://ann:p%40ss@host/db?sslmode=require") ==
          "postgresql://ann:***@host/db?sslmode=require");
    // Characters libpq reads as the end of the password are still the password's.
    CHECK(describe_conninfo("postgresql://leaky:Le?ak#y1@127.0.0.1:55433/contact") ==
          "postgresql://leaky:***@127.0.0.1:55433/contact");
    CHECK(describe_conninfo("postgresql:///db?host=/run/pg&password=secret&user=ann") ==
          "postgresql://ann:***@/db?host=/run/pg");
    CHECK(describe_conninfo("postgresql:///db?%70assword=secret") == "postgresql://:***@/db");
    CHECK(describe_conninfo("postgresql://h/db?pass%77ord=secret&sslpassword=k3y") ==
          "postgresql://:***@h/db?sslpassword=***");
    CHECK(describe_conninfo("postgresql://[::1]:5433,h2/db") ==
          "postgresql:///db?host=::1,h2&port=5433,");
    CHECK(describe_conninfo(
              "host=127.0.0.1 port=55433 dbname=contact user=app password='Se\\'c r'") ==
          "user=app password=*** dbname=contact host=127.0.0.1 port=55433");
    CHECK(describe_conninfo("dbname='my db' service=prod") == "service=prod dbname='my db'");
    // Nothing to hide: what was given.
    CHECK(describe_conninfo("postgresql://ann@host/db") == "postgresql://ann@host/db");
}

TEST_CASE("a text libpq cannot parse is named by the reason alone, never quoted") {
    for (const std::string& text :
         {std::string("postgresql://u:Secret16@[::1:1/contact"),
          std::string("postgresql://u:Pw%zz6@h/db"), std::string("postgresql://u:Pa/ss3@h/db"),
          std::string("postgresql://u:p@Secret@h/db"),
          std::string("host=h password='unclosed Secret"),
          std::string("hots=h password=Secret77")}) {
        CAPTURE(text);
        const std::string shown = describe_conninfo(text);
        CHECK(shown.rfind("the PostgreSQL store given by --db (unparsable: ", 0) == 0);
        for (const char* secret : {"Secret16", "Pw%zz6", "Pa/ss3", "Secret", "Secret77"})
            CHECK(shown.find(secret) == std::string::npos);
        CHECK_THROWS_AS(chatctl::postgres::parse_conninfo(text), chatctl::Error);
    }
}

TEST_CASE("describe_store: each kind of text as it may be shown") {
    CHECK(describe_store("postgresql://ann:secret@host/db") == "postgresql://ann:***@host/db");
    CHECK(describe_store("host=h password=secret") == "password=*** host=h");
    CHECK(describe_store("mysql://ann:secret@host/db") == "the store given by --db");
    CHECK(describe_store("/tmp/ann:secret@host/db") == "/tmp/ann:secret@host/db");
}
