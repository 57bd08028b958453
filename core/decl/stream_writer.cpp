#include "core/decl/stream_writer.hpp"

#include "core/decl/yaml_writer.hpp"

namespace chatctl {

const char* const kHole = "\x01hole";

namespace {

std::string indented(const std::string& text, int indent) {
    std::string pad(static_cast<size_t>(indent), ' ');
    std::string out = pad;
    for (char c : text) {
        out += c;
        if (c == '\n') out += pad;
    }
    return out;
}

// The text of value at indent: as dump(2) prints it (without a final line end), or as
// to_yaml prints it, as an item of a list when as_item.
std::string render(const Json& value, DocumentForm form, int indent, bool as_item) {
    if (form == DocumentForm::json) return indented(json_dump(value, 2), indent);
    return as_item ? yaml_at(Json::array({value}), indent) : yaml_at(value, indent);
}

// Replaces the hole's list with an empty one.
void fill_hole(Json& value) {
    if (value.is_array() && value.size() == 1 && value[0] == kHole) {
        value = Json::array();
        return;
    }
    if (value.is_structured())
        for (auto& child : value)
            fill_hole(child);
}

struct Split {
    std::string before, after;
    int indent = 0;
};

// The skeleton's text around the line that holds the hole.
Split split(const std::string& text, DocumentForm form) {
    const std::string hole =
        form == DocumentForm::json ? Json(kHole).dump() : "- " + yaml_scalar(kHole);
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        size_t first = text.find_first_not_of(' ', start);
        if (first < end && text.compare(first, end - first, hole) == 0)
            return Split{text.substr(0, start), text.substr(std::min(end + 1, text.size())),
                         static_cast<int>(first - start)};
        start = end + 1;
    }
    throw std::logic_error("a streamed document's skeleton has no hole");
}

} // namespace

ListWriter::ListWriter(std::string& out, DocumentForm form, int indent, bool as_item,
                       const std::function<Json()>& skeleton, std::ostream& target)
    : out_(out), target_(target), form_(form), indent_(indent), as_item_(as_item),
      skeleton_(skeleton) {}

void ListWriter::spill() {
    if (out_.size() < (1 << 16)) return;
    target_.write(out_.data(), static_cast<std::streamsize>(out_.size()));
    out_.clear();
}

void ListWriter::before_item() {
    if (items_++ == 0) {
        // What comes before the list is written with the first item: an empty list is
        // written `[]`, on the line of its key.
        Split s = split(render(skeleton_(), form_, indent_, as_item_), form_);
        out_ += s.before;
        item_indent_ = s.indent;
    } else if (form_ == DocumentForm::json) {
        out_ += ",\n";
    }
}

void ListWriter::item(const Json& value) {
    before_item();
    out_ += render(value, form_, item_indent_, true);
    spill();
}

void ListWriter::flat(std::initializer_list<Field> fields, bool nulls) {
    before_item();
    const std::string pad(static_cast<size_t>(item_indent_ + 2), ' ');
    bool first = true;
    if (form_ == DocumentForm::json) {
        out_.append(pad.size() - 2, ' ');
        out_ += "{\n";
        for (const auto& [key, value] : fields) {
            if (!value && !nulls) continue;
            if (!first) out_ += ",\n";
            first = false;
            out_ += pad + '"' + key + "\": ";
            if (value)
                json_quote(out_, *value);
            else
                out_ += "null";
        }
        out_ += "\n";
        out_.append(pad.size() - 2, ' ');
        out_ += "}";
    } else {
        out_.append(pad.size() - 2, ' ');
        out_ += "- ";
        for (const auto& [key, value] : fields) {
            if (!value && !nulls) continue;
            if (!first) out_ += pad;
            first = false;
            out_ += key;
            out_ += ": ";
            out_ += value ? yaml_scalar(*value) : "null";
            out_ += '\n';
        }
    }
    spill();
}

void ListWriter::nested(const std::function<Json()>& skeleton,
                        const std::function<void(ListWriter&)>& items) {
    before_item();
    ListWriter inner(out_, form_, item_indent_, true, skeleton, target_);
    items(inner);
    inner.finish();
}

void ListWriter::finish() {
    Json last = skeleton_();
    if (items_ == 0) {
        fill_hole(last);
        out_ += render(last, form_, indent_, as_item_);
        return;
    }
    Split s = split(render(last, form_, indent_, as_item_), form_);
    if (form_ == DocumentForm::json) out_ += "\n";
    out_ += s.after;
}

void write_streamed(std::ostream& out, DocumentForm form, const std::function<Json()>& skeleton,
                    const std::function<void(ListWriter&)>& items) {
    std::string buffer;
    ListWriter writer(buffer, form, 0, false, skeleton, out);
    items(writer);
    writer.finish();
    if (form == DocumentForm::json) buffer += "\n";
    out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    out.flush();
}

} // namespace chatctl
