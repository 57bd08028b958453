#include "core/csv/csv.hpp"

#include "core/validate.hpp"

#include <csv.h>

namespace chatctl::csv {

namespace {

// Every byte is a field's (libcsv trims spaces and tabs by default: not here).
int no_space(unsigned char) {
    return 0;
}

bool line_end(unsigned char c) {
    return c == '\r' || c == '\n';
}

// Feeds libcsv one byte at a time, so that the place of every field is known: libcsv
// calls back on the byte that ends a field or a record.
class Reader {
  public:
    Reader(const std::string& file, const std::function<void(Record&)>& f, char delimiter)
        : file_(file), f_(f) {
        csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI);
        csv_set_space_func(&parser_, no_space);
        csv_set_delim(&parser_, static_cast<unsigned char>(delimiter));
    }
    ~Reader() { csv_free(&parser_); }
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    std::optional<Diagnostic> feed(const char* data, size_t n) {
        for (size_t i = 0; i < n; ++i) {
            const auto c = static_cast<unsigned char>(data[i]);
            if (!started_ && (in_record_ || !line_end(c))) {
                field_start_ = here_;
                started_ = true;
                if (!in_record_) {
                    record_.at = here_;
                    record_offset_ = offset_;
                }
                in_record_ = true;
            }
            if (in_record_ && offset_ - record_offset_ >= kMaxRecord)
                return fault(record_.at, "a row longer than " + std::to_string(kMaxRecord / 1024) +
                                             " KiB (a row of every known column is under 4 KiB)");
            if (csv_parse(&parser_, &data[i], 1, on_field, on_record, this) != 1)
                return fault(here_, c == '"' ? "a quote in an unquoted field; quote the whole "
                                               "field and double the quotes in it (\"a\"\"b\")"
                                             : "text after a closing quote");
            if (too_many_) return too_many_fields();
            advance(c);
        }
        return std::nullopt;
    }

    std::optional<Diagnostic> finish() {
        if (csv_fini(&parser_, on_field, on_record, this) != 0)
            return fault(field_start_, "a quoted field is not closed (a quote is missing)");
        if (too_many_) return too_many_fields();
        return std::nullopt;
    }

  private:
    static void on_field(void* data, size_t n, void* self) {
        auto* r = static_cast<Reader*>(self);
        if (r->record_.fields.size() == kMaxFields)
            r->too_many_ = r->record_.at; // kept no further: reading stops here
        else
            r->record_.fields.push_back(
                Field{std::string(static_cast<const char*>(data), n), r->field_start_});
        r->started_ = false;
    }
    static void on_record(int, void* self) {
        auto* r = static_cast<Reader*>(self);
        if (!r->too_many_) r->f_(r->record_);
        r->record_ = Record{};
        r->in_record_ = false;
        r->started_ = false;
    }

    void advance(unsigned char c) {
        ++offset_;
        if (c == '\n') {
            ++here_.line;
            here_.column = 1;
        } else if ((c & 0xC0) != 0x80) { // a code point's first byte
            ++here_.column;
        }
    }

    Diagnostic too_many_fields() const {
        return fault(*too_many_, "a row of more than " + std::to_string(kMaxFields) + " fields");
    }

    Diagnostic fault(Position at, const std::string& message) const {
        return Diagnostic{file_, at.line, at.column, message};
    }

    const std::string& file_;
    const std::function<void(Record&)>& f_;
    csv_parser parser_{};
    Record record_;
    Position here_{1, 1}, field_start_{1, 1};
    size_t offset_ = 0, record_offset_ = 0;
    bool started_ = false, in_record_ = false;
    std::optional<Position> too_many_; // the record past kMaxFields
};

} // namespace

std::optional<Diagnostic> read(const std::string& file, const Input& input,
                               const std::function<void(Record&)>& f, char delimiter) {
    Reader reader(file, f, delimiter);
    char block[1 << 16];
    for (size_t n, offset = bom_size(input); (n = input.read(offset, block, sizeof block)) > 0;
         offset += n)
        if (auto fault = reader.feed(block, n)) return fault;
    return reader.finish();
}

void write_row(std::string& out, const std::vector<std::string>& cells, char delimiter) {
    const char special[] = {delimiter, '"', '\r', '\n', '\0'};
    for (size_t i = 0; i < cells.size(); ++i) {
        const std::string& c = cells[i];
        if (i > 0) out += delimiter;
        // Quoted: the separator, quotes, line ends, spaces at either end, a leading U+FEFF
        // (at the start of a file it would be read as a byte order mark), and any other
        // control, which a store damaged or older may hold.
        bool quote = c.find_first_of(special) != std::string::npos || validate::has_control(c) ||
                     (!c.empty() && (c.front() == ' ' || c.back() == ' ' || c.front() == '\t' ||
                                     c.back() == '\t')) ||
                     c.rfind(kBom, 0) == 0;
        if (!quote) {
            out += c;
            continue;
        }
        size_t at = out.size();
        out.resize(at + 2 * c.size() + 2); // each quote doubled, and two around
        out.resize(at + csv_write(&out[at], out.size() - at, c.data(), c.size()));
    }
    out += '\n';
}

} // namespace chatctl::csv
