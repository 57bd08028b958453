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

// yaml-cpp counts columns in bytes; editors count characters. The column of a mark in
// code points, counted from the start of its line (remembered, so that marks met in the
// order of the text cost one pass over it).
class Columns {
  public:
    explicit Columns(const std::string& text) : text_(text) {}

    Position operator()(const YAML::Mark& mark) {
        if (mark.is_null()) return Position{};
        size_t pos = std::min(static_cast<size_t>(std::max(mark.pos, 0)), text_.size());
        if (pos < pos_ || mark.line + 1 != line_) { // another line: count from its start
            size_t newline = pos == 0 ? std::string::npos : text_.rfind('\n', pos - 1);
            pos_ = newline == std::string::npos ? 0 : newline + 1;
            column_ = 1;
            line_ = mark.line + 1;
        }
        for (; pos_ < pos; ++pos_)
            if ((static_cast<unsigned char>(text_[pos_]) & 0xc0) != 0x80) ++column_;
        return Position{line_, column_};
    }

  private:
    const std::string& text_;
    size_t pos_ = 0;
    int line_ = 1, column_ = 1;
};

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
            Columns& position)
        : file_(file), doc_(doc), diagnostics_(diagnostics), position(position) {}

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
    void OnSequenceEnd() override { frames_.pop_back(); }

    void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {
        open(mark, tag, true);
    }
    void OnMapEnd() override { frames_.pop_back(); }

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
    };

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
        auto [node, marks] = slot(mark);
        if (node) {
            *node = is_map ? json::object() : json::array();
            frame.node = node;
            frame.marks = marks;
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
    Columns& position;
    std::vector<Frame> frames_;
    int documents_ = 0;
    int first_start_ = 0;
};

// The line and column (in code points) of byte offset `at`.
Position locate(const std::string& text, size_t at) {
    Position p{1, 1};
    for (size_t i = 0; i < at; ++i) {
        if (text[i] == '\n') {
            ++p.line;
            p.column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xc0) != 0x80) {
            ++p.column;
        }
    }
    return p;
}

// The byte offset of the first invalid UTF-8 sequence, or npos.
size_t invalid_utf8_at(const std::string& text) {
    if (validate::utf8_length(text)) return std::string::npos;
    size_t lo = 0, hi = text.size(); // the shortest invalid prefix, by bisection
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (validate::utf8_length(std::string_view(text).substr(0, mid + 1)))
            lo = mid + 1;
        else
            hi = mid;
    }
    // Step back to the start of the sequence that broke.
    while (lo > 0 && (static_cast<unsigned char>(text[lo]) & 0xc0) == 0x80)
        --lo;
    return lo;
}

} // namespace

YamlDocument read_yaml(const std::string& file, const std::string& text,
                       std::vector<Diagnostic>& diagnostics) {
    YamlDocument doc;
    if (size_t bad = invalid_utf8_at(text); bad != std::string::npos) {
        Position p = locate(text, bad);
        diagnostics.push_back(Diagnostic{file, p.line, p.column, "the file is not valid UTF-8"});
        doc.complete = false;
        return doc;
    }
    // YAML allows no control character but tab and line ends in a file; yaml-cpp reads
    // some (a NUL acts as an escape), so they are refused before it sees them.
    for (size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
            Position p = locate(text, i);
            char code[8];
            std::snprintf(code, sizeof code, "U+%04X", c);
            diagnostics.push_back(Diagnostic{file, p.line, p.column,
                                             std::string("the control character ") + code +
                                                 " is not allowed in a declaration"});
            doc.complete = false;
            return doc;
        }
    }
    std::istringstream in(text);
    Columns columns(text);
    Builder builder(file, doc, diagnostics, columns);
    try {
        YAML::Parser parser(in);
        // One document is read; a second is only reported. Stopping there also keeps
        // clear of a yaml-cpp 0.7 loop that yields empty documents forever after a token
        // it cannot place (a stray ',').
        while (parser.HandleNextDocument(builder) && builder.documents() < 2) {
        }
    } catch (const YAML::Exception& e) {
        Position at = columns(e.mark);
        diagnostics.push_back(Diagnostic{file, at.line, at.column, e.msg});
        doc.complete = false;
    }
    return doc;
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
