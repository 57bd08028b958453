#include "core/decl/yaml_reader.hpp"

#include "core/validate.hpp"

#include <charconv>
#include <cstdio>
#include <sstream>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

namespace chatctl {

namespace {

using nlohmann::json;

// A value longer than this fits no field; it is refused before any pattern runs on it
// (std::regex recurses once per character).
constexpr size_t kMaxScalarBytes = 4096;

bool digits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string_view unsigned_part(std::string_view s) {
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
    return s;
}

// [-+]?[0-9]+
bool is_integer(std::string_view s) {
    return digits(unsigned_part(s));
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_fraction(std::string_view s) {
    s = unsigned_part(s);
    std::string_view mantissa = s.substr(0, s.find_first_of("eE"));
    if (mantissa.size() < s.size() && !is_integer(s.substr(mantissa.size() + 1))) return false;
    auto dot = mantissa.find('.');
    if (dot == std::string_view::npos) return digits(mantissa);
    std::string_view whole = mantissa.substr(0, dot), part = mantissa.substr(dot + 1);
    if (whole.empty()) return digits(part);
    return digits(whole) && (part.empty() || digits(part));
}

bool is_plain(const std::string& tag) {
    return tag == "?" || tag.empty();
}
bool is_string_tag(const std::string& tag) {
    return tag == "!" || tag == "tag:yaml.org,2002:str";
}

class Builder : public YAML::EventHandler {
  public:
    Builder(const std::string& file, YamlDocument& doc, std::vector<Diagnostic>& diagnostics,
            Columns& columns, const ItemHook& users, const StartHook& users_start)
        : file_(file), doc_(doc), diagnostics_(diagnostics), columns_(columns), users_(users),
          users_start_(users_start) {}

    // yaml-cpp counts columns in bytes; editors count characters.
    Position position(const YAML::Mark& mark) {
        if (mark.is_null()) return Position{};
        return columns_.at(static_cast<size_t>(std::max(mark.pos, 0)), mark.line + 1, mark.column);
    }

    void OnDocumentStart(const YAML::Mark& mark) override {
        if (documents_++ == 0) {
            first_start_ = mark.pos;
            return;
        }
        // yaml-cpp restarts a document at the same place after a token it cannot read.
        report(position(mark),
               mark.pos == first_start_
                   ? "YAML cannot read the value that starts here"
                   : "a declaration file holds one YAML document; this is a second");
    }
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
        if (!take_key(mark, "null")) scalar(mark, json(nullptr));
    }

    void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
        report(position(mark), "aliases (*name) are not allowed in a declaration");
        if (!take_key(mark, "*")) scalar(mark, json(nullptr));
    }

    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                  const std::string& value) override {
        bool plain = is_plain(tag);
        if (!plain && !is_string_tag(tag))
            report(position(mark), "the tag " + tag + " is not allowed in a declaration");
        if (take_key(mark, value)) return;
        scalar(mark, plain ? resolve(mark, value) : json(value));
    }

    // The key a value stands under, for messages ("max_concurrent_chats: ...").
    std::string label() const {
        return frames_.empty() || !frames_.back().is_map ? "" : frames_.back().key + ": ";
    }

    void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
        open(mark, tag, false);
    }
    void OnSequenceEnd() override { close(); }

    void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {
        open(mark, tag, true);
    }
    void OnMapEnd() override { close(); }

    int documents() const { return documents_; }

  private:
    struct Frame {
        json* node = nullptr; // nullptr: this collection is being skipped
        Marked* marks = nullptr;
        bool is_map = false;
        bool awaiting_value = false; // in a map: the key was read
        std::string key;
        Position key_at;
        bool skip_value = false; // the key was refused, so its value is dropped
        bool streamed = false;   // a list whose items go to the hook, one by one
        size_t items = 0;
    };

    // tenants[i].users of the root mapping, read for real: its items are handed over.
    bool streams_items(const Frame& parent) const {
        return users_ && frames_.size() == 3 && parent.is_map && parent.key == "users" &&
               parent.node && frames_[0].is_map && frames_[0].key == "tenants" &&
               !frames_[1].is_map && frames_[1].node;
    }

    void deliver() {
        Frame& list = frames_.back();
        users_(frames_[1].node->size() - 1, list.items++, item_, item_marks_);
        item_ = nullptr;
        item_marks_ = Marked{};
    }

    void close() {
        frames_.pop_back();
        if (!frames_.empty() && frames_.back().streamed) deliver();
    }

    void report(Position at, const std::string& message) {
        diagnostics_.push_back(Diagnostic{file_, at.line, at.column, message});
    }

    // Where the next value goes: a slot in the current collection, or nowhere.
    std::pair<json*, Marked*> slot(const YAML::Mark& mark) {
        if (frames_.empty()) {
            if (documents_ > 1) return {nullptr, nullptr};
            doc_.empty = false;
            doc_.marks.at = position(mark);
            return {&doc_.value, &doc_.marks};
        }
        Frame& f = frames_.back();
        if (!f.node) return {nullptr, nullptr};
        if (f.streamed) {
            item_marks_.at = position(mark);
            return {&item_, &item_marks_};
        }
        if (!f.is_map) {
            f.node->push_back(nullptr);
            auto& items = f.marks->make_children().items;
            items.emplace_back();
            items.back().at = position(mark);
            return {&f.node->back(), &items.back()};
        }
        f.awaiting_value = false;
        if (f.skip_value) {
            f.skip_value = false;
            return {nullptr, nullptr};
        }
        Marked& m = f.marks->make_children().fields[f.key];
        m.at = position(mark);
        m.key_at = f.key_at;
        return {&(*f.node)[f.key], &m};
    }

    // In a map awaiting a key, a scalar is that key.
    bool take_key(const YAML::Mark& mark, const std::string& key) {
        if (frames_.empty()) return false;
        Frame& f = frames_.back();
        if (!f.is_map || f.awaiting_value) return false;
        f.awaiting_value = true;
        f.key_at = position(mark);
        if (!f.node) return true;
        f.key = key;
        if (f.node->contains(f.key)) {
            const Position first = f.marks->field(f.key)->key_at;
            report(f.key_at, "duplicate key " + validate::quote(f.key) + " (first at line " +
                                 std::to_string(first.line) + ", column " +
                                 std::to_string(first.column) + ")");
            f.skip_value = true;
        }
        return true;
    }

    void scalar(const YAML::Mark& mark, json value) {
        if (value.is_string() && value.get_ref<const std::string&>().size() > kMaxScalarBytes) {
            report(position(mark), label() + "a value of " +
                                       std::to_string(value.get_ref<const std::string&>().size()) +
                                       " bytes is longer than any field allows");
            value = nullptr;
        }
        auto [node, marks] = slot(mark);
        if (node) *node = value;
        if (node && !frames_.empty() && frames_.back().streamed) deliver();
    }

    void open(const YAML::Mark& mark, const std::string& tag, bool is_map) {
        if (!is_plain(tag) && tag != "tag:yaml.org,2002:map" && tag != "tag:yaml.org,2002:seq")
            report(position(mark), "the tag " + tag + " is not allowed in a declaration");
        Frame frame;
        frame.is_map = is_map;
        if (!frames_.empty() && frames_.back().is_map && !frames_.back().awaiting_value) {
            // A mapping or sequence used as a key.
            report(position(mark), "a key must be a plain string");
            frames_.back().awaiting_value = true;
            frames_.back().skip_value = true;
            frames_.push_back(frame); // skipped: node stays nullptr
            return;
        }
        const bool streamed = !is_map && !frames_.empty() && streams_items(frames_.back());
        auto [node, marks] = slot(mark);
        if (node) {
            frame.streamed = streamed;
            *node = is_map ? json::object() : json::array();
            frame.node = node;
            frame.marks = marks;
            if (streamed && users_start_)
                users_start_(frames_[1].node->size() - 1, *frames_[2].node, *frames_[2].marks);
        }
        frames_.push_back(frame);
    }

    // YAML 1.2 core schema for plain scalars, strictly.
    json resolve(const YAML::Mark& mark, const std::string& s) {
        if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
        if (s == "true" || s == "True" || s == "TRUE") return true;
        if (s == "false" || s == "False" || s == "FALSE") return false;
        if (is_integer(s)) {
            int64_t v = 0;
            const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
            auto r = std::from_chars(begin, s.data() + s.size(), v);
            if (r.ec == std::errc::result_out_of_range) {
                report(position(mark), label() + s + " is too large for an integer");
                return s;
            }
            return v;
        }
        if (is_fraction(s)) { // 1.5, 1.0, 1e0, 1e999: a declaration's numbers are integers
            report(position(mark), label() + s + " is not a whole number (numbers are integers)");
            return s;
        }
        return s;
    }

    const std::string& file_;
    YamlDocument& doc_;
    std::vector<Diagnostic>& diagnostics_;
    Columns& columns_;
    const ItemHook& users_;
    const StartHook& users_start_;
    std::vector<Frame> frames_;
    json item_;         // the streamed item being read
    Marked item_marks_; // and its places
    int documents_ = 0;
    int first_start_ = 0;
};

} // namespace

YamlDocument read_yaml(const std::string& file, const Input& input,
                       std::vector<Diagnostic>& diagnostics, const ItemHook& users,
                       const StartHook& users_start) {
    YamlDocument doc;
    // yaml-cpp reads some control characters (a NUL acts as an escape) and any bytes,
    // so both are refused before it sees them.
    if (auto fault = check_bytes(file, input)) {
        diagnostics.push_back(std::move(*fault));
        doc.complete = false;
        return doc;
    }
    InputBuffer buffer(input);
    std::istream in(&buffer);
    Columns columns(input);
    Builder builder(file, doc, diagnostics, columns, users, users_start);
    try {
        YAML::Parser parser(in);
        // One document is read; a second is only reported. Stopping there also keeps
        // clear of a yaml-cpp 0.7 loop that yields empty documents forever after a token
        // it cannot place (a stray ',').
        while (parser.HandleNextDocument(builder) && builder.documents() < 2) {
        }
    } catch (const YAML::Exception& e) {
        Position at = builder.position(e.mark);
        diagnostics.push_back(Diagnostic{file, at.line, at.column, e.msg});
        doc.complete = false;
    }
    return doc;
}

YamlDocument read_yaml(const std::string& file, const std::string& text,
                       std::vector<Diagnostic>& diagnostics) {
    return read_yaml(file, Input::from_text(text), diagnostics);
}

Marked::Children& Marked::make_children() {
    if (!children) children = std::make_unique<Children>();
    return *children;
}

const Marked* Marked::field(const std::string& key) const {
    if (!children) return nullptr;
    auto it = children->fields.find(key);
    return it == children->fields.end() ? nullptr : &it->second;
}

const Marked* Marked::item(size_t index) const {
    return children && index < children->items.size() ? &children->items[index] : nullptr;
}

Position position_of(const Marked& root, const std::vector<std::string>& path, bool key) {
    const Marked* node = &root;
    for (const auto& step : path) {
        if (const Marked* field = node->field(step)) {
            node = field;
            continue;
        }
        size_t index = 0;
        auto [end, ec] = std::from_chars(step.data(), step.data() + step.size(), index);
        const Marked* item =
            ec == std::errc() && end == step.data() + step.size() ? node->item(index) : nullptr;
        if (!item) break;
        node = item;
    }
    return key && node->key_at.line > 0 ? node->key_at : node->at;
}

} // namespace chatctl
