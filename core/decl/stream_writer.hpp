// Documents too large to hold, written as they are made: the plan of a million changes,
// the export of a million users. The document is given as a skeleton, small, whose one
// streamed list holds a single item, kHole; the items then come one by one. The text is
// exactly what dump(2) (JSON) or to_yaml (YAML) would print for the whole document.
#pragma once

#include "core/model.hpp"

#include <functional>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <string>
#include <utility>

namespace chatctl {

enum class DocumentForm { json, yaml };

// Stands for the streamed list's items in a skeleton.
extern const char* const kHole;

class ListWriter {
  public:
    // Writes one item of the list.
    void item(const Json& value);
    // The same for an object of texts and nulls (a null pointer), written without
    // building it (export writes a million users this way); with `nulls` false, a null
    // field is left out.
    using Field = std::pair<const char*, const std::string*>;
    void flat(std::initializer_list<Field> fields, bool nulls = true);
    // Writes an item that holds a streamed list of its own (a tenant and its users).
    void nested(const std::function<Json()>& skeleton,
                const std::function<void(ListWriter&)>& items);

  private:
    friend void write_streamed(std::ostream&, DocumentForm, const std::function<Json()>&,
                               const std::function<void(ListWriter&)>&);
    ListWriter(std::string& out, DocumentForm form, int indent, bool as_item,
               const std::function<Json()>& skeleton, std::ostream& target);
    void before_item();
    void finish();
    void spill(); // writes out_ to target_ once it holds a block

    std::string& out_;
    std::ostream& target_;
    DocumentForm form_;
    int indent_;   // of the skeleton
    bool as_item_; // the skeleton is itself an item of a list
    const std::function<Json()>& skeleton_;
    int item_indent_ = 0;
    size_t items_ = 0;
};

// Writes the document skeleton() describes, its streamed list filled by items(). The
// skeleton is asked for twice: for what comes before the list, and once the items are
// written, for what comes after (a summary counted on the way).
void write_streamed(std::ostream& out, DocumentForm form, const std::function<Json()>& skeleton,
                    const std::function<void(ListWriter&)>& items);

} // namespace chatctl
