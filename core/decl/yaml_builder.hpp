// The JSON value of a declaration file built from libyaml's events, one at a time, with
// the places of its values and keys; the items of a tenant's `users` handed over as they
// are read. Internal to yaml_reader.
#pragma once

#include "core/decl/yaml_reader.hpp"
#include "core/decl/yaml_typing.hpp"
#include "core/validate.hpp"

#include <charconv>
#include <string_view>

namespace chatctl::detail {

class Builder {
    using json = nlohmann::json;

  public:
    Builder(const std::string& file, YamlDocument& doc, std::vector<Diagnostic>& diagnostics,
            const UserHooks& users)
        : file_(file), doc_(doc), diagnostics_(diagnostics), users_(users) {}

    // False at a second document, which is reported and not read.
    bool document_start(Position at) {
        if (documents_++ == 0) return true;
        report(at, "a declaration file holds one YAML document; this is a second");
        return false;
    }

    void alias(Position at) {
        unflatten();
        report(at, "aliases (*name) are not allowed in a declaration");
        if (!take_key(at, "*")) scalar(at, json(nullptr));
    }

    // tag: as written, or "?" for an untagged plain scalar, "!" for an untagged quoted one.
    void scalar_event(Position at, std::string_view tag, std::string_view value) {
        if (flat_) {
            record(at, tag, value);
            return;
        }
        bool plain = yaml_typing::is_plain(tag);
        if (!plain && !yaml_typing::is_string_tag(tag))
            report(at, "the tag " + validate::quote(tag) + " is not allowed in a declaration");
        if (plain && yaml_typing::is_null(value)) { // a null key is named "null"
            if (!take_key(at, "null")) scalar(at, json(nullptr));
            return;
        }
        if (take_key(at, value)) return;
        scalar(at, plain ? resolve(at, value) : json(value));
    }

    // False when the nesting goes deeper than any declaration (reported; reading stops).
    bool open(Position at, std::string_view tag, bool is_map) {
        unflatten();
        if (is_map && users_.flat && yaml_typing::is_plain(tag) && !frames_.empty() &&
            frames_.back().streamed) {
            flat_ = true; // a users item: its scalars are recorded until it closes
            flat_item_.at = at;
            flat_item_.count = 0;
            return true;
        }
        if (frames_.size() >= kMaxDepth) {
            report(at, "the nesting goes deeper than a declaration can (" +
                           std::to_string(kMaxDepth) + " levels)");
            return false;
        }
        open_frame(at, tag, is_map);
        return true;
    }

    void close() {
        if (flat_) {
            Frame& list = frames_.back();
            flat_ = false;
            if (users_.flat(frames_[1].node->size() - 1, flat_item_)) {
                ++list.items;
                return;
            }
            replay(); // read as any other item, and closed below
        }
        frames_.pop_back();
        if (!frames_.empty() && frames_.back().streamed) deliver();
    }

    void report(Position at, const std::string& message) {
        diagnostics_.push_back(Diagnostic{file_, at.line, at.column, message});
    }

    // A recorded item is read as any other: before an event a flat item cannot hold (an
    // alias, a collection), or before a syntax error is reported.
    void unflatten() {
        if (flat_) replay();
    }

  private:
    // A declaration nests five levels at most (tenants, a tenant, profiles, a profile, a value).
    static constexpr size_t kMaxDepth = 64;

    // The key a value stands under, for messages ("max_concurrent_chats: ...").
    std::string label() const {
        return frames_.empty() || !frames_.back().is_map ? "" : frames_.back().key + ": ";
    }

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
        return users_.item && frames_.size() == 3 && parent.is_map && parent.key == "users" &&
               parent.node && frames_[0].is_map && frames_[0].key == "tenants" &&
               !frames_[1].is_map && frames_[1].node;
    }

    void record(Position at, std::string_view tag, std::string_view text) {
        auto& scalars = flat_item_.scalars;
        if (flat_item_.count == scalars.size()) scalars.emplace_back();
        FlatScalar& s = scalars[flat_item_.count++];
        s.text.assign(text);
        s.tag.assign(tag);
        s.at = at;
    }

    // The recorded item's events, given again to the ordinary reading.
    void replay() {
        flat_ = false;
        open_frame(flat_item_.at, yaml_typing::kPlain, true);
        for (size_t i = 0; i < flat_item_.count; ++i) {
            const FlatScalar& s = flat_item_.scalars[i];
            scalar_event(s.at, s.tag, s.text);
        }
    }

    void deliver() {
        Frame& list = frames_.back();
        users_.item(frames_[1].node->size() - 1, list.items++, item_, item_marks_);
        item_ = nullptr;
        item_marks_ = Marked{};
    }

    // Where the next value goes: a slot in the current collection, or nowhere.
    std::pair<json*, Marked*> slot(Position at) {
        if (frames_.empty()) {
            doc_.empty = false;
            doc_.marks.at = at;
            return {&doc_.value, &doc_.marks};
        }
        Frame& f = frames_.back();
        if (!f.node) return {nullptr, nullptr};
        if (f.streamed) {
            item_marks_.at = at;
            return {&item_, &item_marks_};
        }
        if (!f.is_map) {
            f.node->push_back(nullptr);
            auto& items = f.marks->make_children().items;
            items.emplace_back();
            items.back().at = at;
            return {&f.node->back(), &items.back()};
        }
        f.awaiting_value = false;
        if (f.skip_value) {
            f.skip_value = false;
            return {nullptr, nullptr};
        }
        Marked& m = f.marks->make_children().fields[f.key];
        m.at = at;
        m.key_at = f.key_at;
        return {&(*f.node)[f.key], &m};
    }

    // In a map awaiting a key, a scalar is that key.
    bool take_key(Position at, std::string_view key) {
        if (frames_.empty()) return false;
        Frame& f = frames_.back();
        if (!f.is_map || f.awaiting_value) return false;
        f.awaiting_value = true;
        f.key_at = at;
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

    void scalar(Position at, json value) {
        if (value.is_string() &&
            value.get_ref<const std::string&>().size() > yaml_typing::kMaxBytes) {
            report(at, label() + "a value of " +
                           std::to_string(value.get_ref<const std::string&>().size()) +
                           " bytes is longer than any field allows");
            value = nullptr;
        }
        auto [node, marks] = slot(at);
        if (node) *node = value;
        if (node && !frames_.empty() && frames_.back().streamed) deliver();
    }

    void open_frame(Position at, std::string_view tag, bool is_map) {
        if (!yaml_typing::is_plain(tag) && tag != "tag:yaml.org,2002:map" &&
            tag != "tag:yaml.org,2002:seq")
            report(at, "the tag " + validate::quote(tag) + " is not allowed in a declaration");
        Frame frame;
        frame.is_map = is_map;
        if (!frames_.empty() && frames_.back().is_map && !frames_.back().awaiting_value) {
            // A mapping or sequence used as a key.
            report(at, "a key must be a plain string");
            frames_.back().awaiting_value = true;
            frames_.back().skip_value = true;
            frames_.push_back(frame); // skipped: node stays nullptr
            return;
        }
        const bool streamed = !is_map && !frames_.empty() && streams_items(frames_.back());
        auto [node, marks] = slot(at);
        if (node) {
            frame.streamed = streamed;
            *node = is_map ? json::object() : json::array();
            frame.node = node;
            frame.marks = marks;
            if (streamed && users_.start)
                users_.start(frames_[1].node->size() - 1, *frames_[2].node, *frames_[2].marks);
        }
        frames_.push_back(frame);
    }

    // YAML 1.2 core schema for plain scalars, strictly.
    json resolve(Position at, std::string_view s) {
        switch (yaml_typing::type_of_plain(s)) {
        case yaml_typing::Type::boolean:
            return s[0] == 't' || s[0] == 'T';
        case yaml_typing::Type::integer: {
            int64_t v = 0;
            const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
            auto r = std::from_chars(begin, s.data() + s.size(), v);
            if (r.ec != std::errc::result_out_of_range) return v;
            report(at, label() + std::string(s) + " is too large for an integer");
            return s;
        }
        case yaml_typing::Type::fraction: // 1.5, 1.0, 1e0, 1e999: a declaration's numbers are
                                          // integers
            report(at, label() + std::string(s) + " is not a whole number (numbers are integers)");
            return s;
        default:
            return s;
        }
    }

    const std::string& file_;
    YamlDocument& doc_;
    std::vector<Diagnostic>& diagnostics_;
    const UserHooks& users_;
    std::vector<Frame> frames_;
    bool flat_ = false;  // a users item is being recorded
    FlatItem flat_item_; // and what it holds so far
    json item_;          // the streamed item being read
    Marked item_marks_;  // and its places
    int documents_ = 0;
};

} // namespace chatctl::detail
