#include "core/decl/yaml_reader.hpp"

#include "core/decl/yaml_builder.hpp"

#include <charconv>
#include <memory>
#include <new>
#include <yaml.h>

namespace chatctl {

namespace {

using detail::Builder;

Position place(const yaml_mark_t& mark) {
    return Position{static_cast<int>(mark.line) + 1, static_cast<int>(mark.column) + 1};
}

// libyaml's own words for a syntax error, with the construct it was reading.
std::string syntax_error(const yaml_parser_t& parser) {
    if (parser.error == YAML_MEMORY_ERROR) return "out of memory while reading YAML";
    std::string message = parser.problem ? parser.problem : "YAML cannot be read here";
    if (parser.context) {
        Position at = place(parser.context_mark);
        message += std::string(" (") + parser.context + " at line " + std::to_string(at.line) +
                   ", column " + std::to_string(at.column) + ")";
    }
    return message;
}

struct Reader {
    const Input& input;
    size_t offset = 0;

    static int read(void* data, unsigned char* buffer, size_t size, size_t* size_read) {
        auto* self = static_cast<Reader*>(data);
        *size_read = self->input.read(self->offset, reinterpret_cast<char*>(buffer), size);
        self->offset += *size_read;
        return 1;
    }
};

// Hands the events of the first document to the builder. False on a syntax error,
// reported at its place.
bool parse(const Input& input, Builder& builder) {
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) throw std::bad_alloc();
    std::unique_ptr<yaml_parser_t, void (*)(yaml_parser_t*)> owner(&parser, yaml_parser_delete);
    // A UTF-8 byte order mark is skipped: told the encoding, libyaml would take it for text.
    Reader reader{input, bom_size(input)};
    yaml_parser_set_input(&parser, Reader::read, &reader);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    for (;;) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            builder.unflatten();
            builder.report(
                place(parser.error == YAML_READER_ERROR ? parser.mark : parser.problem_mark),
                syntax_error(parser));
            return false;
        }
        std::unique_ptr<yaml_event_t, void (*)(yaml_event_t*)> held(&event, yaml_event_delete);
        const Position at = place(event.start_mark);
        auto tag = [](const yaml_char_t* t, bool plain) {
            return t       ? std::string_view(reinterpret_cast<const char*>(t))
                   : plain ? yaml_typing::kPlain
                           : yaml_typing::kQuoted;
        };
        switch (event.type) {
        case YAML_STREAM_END_EVENT:
            return true;
        case YAML_DOCUMENT_START_EVENT:
            if (!builder.document_start(at)) return true;
            break;
        case YAML_ALIAS_EVENT:
            builder.alias(at);
            break;
        case YAML_SCALAR_EVENT: {
            const auto& s = event.data.scalar;
            builder.scalar_event(
                at, tag(s.tag, s.style == YAML_PLAIN_SCALAR_STYLE),
                std::string_view(reinterpret_cast<const char*>(s.value), s.length));
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
            if (!builder.open(at, tag(event.data.sequence_start.tag, true), false)) return false;
            break;
        case YAML_MAPPING_START_EVENT:
            if (!builder.open(at, tag(event.data.mapping_start.tag, true), true)) return false;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            builder.close();
            break;
        default:
            break; // stream start, document end, no event
        }
    }
}

} // namespace

YamlDocument read_yaml(const std::string& file, const Input& input,
                       std::vector<Diagnostic>& diagnostics, const UserHooks& users) {
    YamlDocument doc;
    // The declaration is UTF-8 without control characters; both are refused at their
    // place, in words, before the parser meets them.
    if (auto fault = check_bytes(file, input)) {
        diagnostics.push_back(std::move(*fault));
        doc.complete = false;
        return doc;
    }
    Builder builder(file, doc, diagnostics, users);
    doc.complete = parse(input, builder);
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
