// core/store/postgres: how a PostgreSQL URI is shown (never with its password), and which
// texts name a PostgreSQL store at all.
#include "core/store/postgres/pg_conn.hpp"
#include "core/store/store.hpp"

#include <doctest/doctest.h>

using chatctl::describe_store;
using chatctl::postgres::redact_uri;

TEST_CASE("a URI is shown without its password, wherever it is given") {
    CHECK(redact_uri("postgresql://ann:secret@db.example.com:5432/contact") ==
          "postgresql://ann:***@db.example.com:5432/contact");
    CHECK(redact_uri("postgres://ann:p%40ss@host/db?sslmode=require") ==
          "postgres://ann:***@host/db?sslmode=require");
    CHECK(redact_uri("postgresql://ann:se:cr@et@host/db") == "postgresql://ann:***@host/db");
    CHECK(redact_uri("postgresql:///db?host=/run/pg&password=secret&user=ann") ==
          "postgresql:///db?host=/run/pg&password=***&user=ann");
    CHECK(redact_uri("postgresql:///db?password=secret") == "postgresql:///db?password=***");
    // Nothing to hide: shown as given.
    CHECK(redact_uri("postgresql://ann@host/db") == "postgresql://ann@host/db");
    CHECK(redact_uri("postgresql:///db?host=/run/pg&user=ann") ==
          "postgresql:///db?host=/run/pg&user=ann");
    CHECK(redact_uri("postgresql://host/db?application_password=x") ==
          "postgresql://host/db?application_password=x");
}

TEST_CASE("only postgresql:// and postgres:// name a PostgreSQL store; anything else is a file") {
    CHECK(describe_store("postgresql://ann:secret@host/db") == "postgresql://ann:***@host/db");
    CHECK(describe_store("postgres://ann:secret@host/db") == "postgres://ann:***@host/db");
    CHECK(describe_store("/tmp/ann:secret@host/db") == "/tmp/ann:secret@host/db");
    CHECK(describe_store("postgresql:x") == "postgresql:x");
}
