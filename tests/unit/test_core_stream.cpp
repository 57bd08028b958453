// The streaming parts of declarations: documents written item by item, declared users
// kept in a file, input checked in blocks, and the fast check that spares valijson. Each
// is compared with the whole-value way it replaces, on seeded random values.
#include "core/decl/decl_schema.hpp"
#include "core/decl/decl_users.hpp"
#include "core/decl/input.hpp"
#include "core/decl/plain_user.hpp"
#include "core/decl/stream_writer.hpp"
#include "core/decl/yaml_writer.hpp"
#include "core/pipe.hpp"

#include <doctest/doctest.h>
#include <random>
#include <sstream>
#include <thread>

using namespace chatctl;

namespace {

// Texts that stress quoting: YAML words, JSON escapes, controls, accents, wide letters.
std::string random_text(std::mt19937& rng) {
    static const std::vector<std::string> parts{
        "a",  "Z",    "0",    " ", "-",    "yes", "null", "\"", "\\", "'", ":",   "#",        "\n",
        "\t", "\x01", "\x7f", "é", "日本", "@",   "/",    "{",  "[",  "~", "1e3", "\xc2\x85", "  "};
    std::string out;
    for (int n = static_cast<int>(rng() % 6); n > 0; --n)
        out += parts[rng() % parts.size()];
    return out;
}

std::optional<std::string> maybe_text(std::mt19937& rng) {
    if (rng() % 3 == 0) return std::nullopt;
    return random_text(rng);
}

User random_user(std::mt19937& rng) {
    return User{"acme", "u" + std::to_string(rng() % 1000) + random_text(rng), maybe_text(rng),
                maybe_text(rng), random_text(rng)};
}

Json user_json(const User& u) {
    auto opt = [](const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); };
    return Json{
        {"login", u.login}, {"name", opt(u.name)}, {"email", opt(u.email)}, {"profile", u.profile}};
}

// What write_streamed prints for a document of tenants whose users are streamed.
std::string streamed(DocumentForm form, const std::vector<std::vector<User>>& tenants, bool flat) {
    std::ostringstream out;
    auto root = [] { return Json{{"version", 1}, {"tenants", Json::array({kHole})}}; };
    write_streamed(out, form, root, [&](ListWriter& list) {
        for (size_t t = 0; t < tenants.size(); ++t) {
            auto skeleton = [&] {
                return Json{{"tenant", "t" + std::to_string(t)},
                            {"profiles", Json::array({Json{{"name", "P"}}})},
                            {"users", Json::array({kHole})}};
            };
            list.nested(skeleton, [&](ListWriter& users) {
                for (const auto& u : tenants[t]) {
                    if (!flat) {
                        users.item(user_json(u));
                        continue;
                    }
                    auto text = [](const std::optional<std::string>& v) {
                        return v ? &*v : nullptr;
                    };
                    users.flat({{"login", &u.login},
                                {"name", text(u.name)},
                                {"email", text(u.email)},
                                {"profile", &u.profile}});
                }
            });
        }
    });
    return out.str();
}

// The same document built whole.
Json whole(const std::vector<std::vector<User>>& tenants) {
    Json list = Json::array();
    for (size_t t = 0; t < tenants.size(); ++t) {
        Json users = Json::array();
        for (const auto& u : tenants[t])
            users.push_back(user_json(u));
        list.push_back(Json{{"tenant", "t" + std::to_string(t)},
                            {"profiles", Json::array({Json{{"name", "P"}}})},
                            {"users", users}});
    }
    return Json{{"version", 1}, {"tenants", list}};
}

DeclUser declared(const std::string& login, int line) {
    DeclUser u;
    u.user.login = login;
    u.at = Place{"f.yaml", Position{line, 3}};
    u.profile_at = u.at;
    return u;
}

std::vector<std::string> scanned(DeclUsers& users, size_t tenant) {
    std::vector<std::string> out;
    DeclUsers::Scan scan(users, tenant);
    while (const DeclUser* u = scan.next())
        out.push_back(u->user.login);
    return out;
}

} // namespace

TEST_CASE("a document written item by item is the text of the whole document") {
    std::mt19937 rng(20261126);
    for (int round = 0; round < 200; ++round) {
        std::vector<std::vector<User>> tenants(rng() % 4);
        for (auto& users : tenants)
            for (int n = static_cast<int>(rng() % 5); n > 0; --n)
                users.push_back(random_user(rng));
        Json doc = whole(tenants);
        CAPTURE(doc.dump());
        for (bool flat : {false, true}) {
            CHECK(streamed(DocumentForm::json, tenants, flat) == json_dump(doc, 2) + "\n");
            CHECK(streamed(DocumentForm::yaml, tenants, flat) == to_yaml(doc));
        }
    }
}

TEST_CASE("a summary counted while the items are written comes after them") {
    int count = 0;
    std::ostringstream out;
    write_streamed(
        out, DocumentForm::json,
        [&] {
            return Json{{"changes", Json::array({kHole})}, {"total", count}};
        },
        [&](ListWriter& list) {
            for (; count < 3; ++count)
                list.item(count);
        });
    CHECK(out.str() == Json{{"changes", {0, 1, 2}}, {"total", 3}}.dump(2) + "\n");
}

TEST_CASE("history's JSON texts are json_dump's, without building the value") {
    std::mt19937 rng(7);
    for (int i = 0; i < 2000; ++i) {
        User u = random_user(rng);
        CAPTURE(u.login);
        CHECK(to_json_text(u) == json_dump(to_json(Object{u})));
        std::string quoted;
        json_quote(quoted, u.profile);
        CHECK(quoted == json_dump(Json(u.profile)));
    }
    Profile p{"acme", "P", true, 5, 120, "x\"y"};
    CHECK(to_json_text(p) == json_dump(to_json(Object{p})));
}

TEST_CASE("a user the fast check passes, the schema passes too") {
    std::mt19937 rng(99);
    const std::vector<nlohmann::json> values{"alice",
                                             "a.b@c+d-e_f",
                                             "",
                                             std::string(129, 'a'),
                                             std::string(128, 'a'),
                                             "al ice",
                                             "x@y",
                                             "@y",
                                             "x@",
                                             "a b@c",
                                             "Night shift",
                                             nullptr,
                                             5,
                                             true,
                                             nlohmann::json::array(),
                                             nlohmann::json::object(),
                                             "é",
                                             "\x01",
                                             "\xc2\x85",
                                             std::string(201, 'n')};
    const std::vector<std::string> keys{"login", "name", "email", "profile", "extra"};
    int fast = 0, slow = 0;
    for (int i = 0; i < 5000; ++i) {
        nlohmann::json user = nlohmann::json::object();
        for (const auto& key : keys)
            if (rng() % 3 != 0 || (key == "login" && rng() % 5 != 0))
                user[key] = values[rng() % values.size()];
        CAPTURE(user.dump());
        std::vector<Diagnostic> diagnostics;
        SchemaCheck check("f.yaml", diagnostics);
        const bool schema = check.user(0, 0, user, Marked{});
        if (plainly_valid_user(user)) {
            ++fast;
            CHECK(schema);
        } else if (schema) {
            ++slow; // only the stricter check refused it (a C1 control, say)
        }
    }
    CHECK(fast > 100); // the draw reaches both sides
    CHECK(slow > 0);
}

TEST_CASE("declared users come back in declaration order, and in login order") {
    DeclUsers users;
    // Tenant 0 in login order (as export writes it), tenant 1 not, tenant 2 with none.
    for (const char* login : {"alice", "Bob", "carol"})
        users.add(0, declared(login, 1));
    int line = 10;
    for (const char* login : {"zed", "Anna", "mike", "bea"})
        users.add(1, declared(login, line++));
    users.finish();
    CHECK(scanned(users, 0) == std::vector<std::string>{"alice", "Bob", "carol"});
    CHECK(scanned(users, 1) == std::vector<std::string>{"Anna", "bea", "mike", "zed"});
    CHECK(scanned(users, 2).empty());
    std::vector<std::string> order;
    users.each(1, [&](const DeclUser& u) { order.push_back(u.user.login); });
    CHECK(order == std::vector<std::string>{"zed", "Anna", "mike", "bea"});
    CHECK(users.duplicates().empty());
}

TEST_CASE("users declared twice are found, next to each other or far apart") {
    DeclUsers users;
    users.add(0, declared("alice", 1));
    users.add(0, declared("ALICE", 2)); // in order but for the case: the same login
    users.add(0, declared("bob", 3));
    users.add(1, declared("zed", 4));
    users.add(1, declared("amy", 5));
    users.add(1, declared("Zed", 6));
    users.add(2, declared("amy", 7)); // another tenant: no duplicate
    users.finish();
    auto found = users.duplicates();
    REQUIRE(found.size() == 2);
    for (const auto& d : found) {
        REQUIRE(d.users.size() == 2);
        CHECK(d.users[0].seq < d.users[1].seq);
        CHECK(fold(d.users[0].user.login) == fold(d.users[1].user.login));
    }
    CHECK(found[0].tenant + found[1].tenant == 1); // tenants 0 and 1
}

TEST_CASE("input is checked in blocks: faults across a block's end are placed right") {
    const std::string prefix(65535, 'a'); // a block is 64 KiB
    std::string valid = "k: " + prefix + "\xc3\xa9\n";
    CHECK(!check_bytes("f", Input::from_text(valid)));
    std::string broken = "k: x\n" + prefix + "\xc3\n";
    auto fault = check_bytes("f", Input::from_text(broken));
    REQUIRE(fault);
    CHECK(fault->message == "the file is not valid UTF-8");
    CHECK(fault->line == 2);
    CHECK(fault->column == 65536);
    std::string control = "a\n" + std::string(70000, 'b') + "\x07";
    fault = check_bytes("f", Input::from_text(control));
    REQUIRE(fault);
    CHECK(fault->line == 2);
    CHECK(fault->column == 70001);
    CHECK(fault->message.find("U+0007") != std::string::npos);
    // C1 controls (NEL too, a line break to YAML 1.1) and U+FFFE/U+FFFF, at their place.
    fault = check_bytes("f", Input::from_text("a: \"x\xc2\x85y\"\n"));
    REQUIRE(fault);
    CHECK(fault->line == 1);
    CHECK(fault->column == 6);
    CHECK(fault->message == "the control character U+0085 is not allowed in a declaration");
    fault = check_bytes("f", Input::from_text("a:\n  b: \xc3\xa9\xef\xbf\xbf\n"));
    REQUIRE(fault);
    CHECK(fault->line == 2);
    CHECK(fault->column == 7);
    CHECK(fault->message.find("the character U+FFFF is not allowed") == 0);
    CHECK(!check_bytes("f", Input::from_text("a: \"\xef\xbf\xbd \xe2\x80\x98\"\n")));
    // The line separators, which a YAML 1.1 parser breaks lines at even in quotes, are
    // refused at their place in the file's own lines; a byte order mark is in no column.
    fault = check_bytes("f", Input::from_text("\xef\xbb\xbf"
                                              "a:\n b: \"\xef\xbf\xbd \xe2\x80\xa8\"\n"));
    REQUIRE(fault);
    CHECK(fault->line == 2);
    CHECK(fault->column == 8);
    CHECK(fault->message.find("the character U+2028 is not allowed") == 0);
    fault = check_bytes("f", Input::from_text("\xef\xbb\xbf\x07"));
    REQUIRE(fault);
    CHECK(fault->column == 1);
}

TEST_CASE("a pipe hands every item over in order, and drops them once the consumer stops") {
    struct Item {
        int64_t n = 0;
        std::string text;
    };
    constexpr int64_t kItems = 20000; // many batches, more than the queue holds
    auto text_of = [](int64_t n) { return std::string(static_cast<size_t>(n % 50), 'x'); };
    SUBCASE("every item, in order, its text as filled") {
        Pipe<Item> pipe;
        int64_t received = 0, wrong = 0;
        std::thread consumer([&] {
            for (;;) {
                if (pipe.peek().n < 0) return;
                const Item& item = pipe.take();
                wrong += item.n != received || item.text != text_of(received);
                ++received;
            }
        });
        for (int64_t n = 0; n < kItems; ++n) {
            Item& slot = pipe.slot();
            slot.n = n;
            slot.text = text_of(n); // a slot used before keeps its old text until assigned
        }
        pipe.slot().n = -1;
        pipe.flush();
        consumer.join();
        CHECK(received == kItems);
        CHECK(wrong == 0);
    }
    SUBCASE("a consumer that stops does not hold the producer up") {
        Pipe<Item> pipe;
        std::vector<int64_t> taken;
        std::thread consumer([&] {
            for (int i = 0; i < 10; ++i)
                taken.push_back(pipe.take().n);
            pipe.drop();
        });
        // Past the queue's bound: this returns only if the dropped batches are not waited on.
        for (int64_t n = 0; n < kItems; ++n)
            pipe.slot().n = n;
        pipe.flush();
        consumer.join();
        CHECK(taken == std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    }
}
