// A small XML reader for the tests, enough to say a document is well-formed (tags
// balanced, attributes quoted and not repeated, only XML's entities) and to find its
// elements by an attribute. No DTD, no CDATA, no comments: what chatctl writes has none.
#pragma once

#include <cctype>
#include <doctest/doctest.h>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace e2e::xml {

struct Element {
    std::string name;
    std::map<std::string, std::string> attributes;
    std::vector<Element> children;
    std::string text;
    size_t count(const std::string& attribute, const std::string& value) const {
        size_t n = attributes.count(attribute) && attributes.at(attribute) == value;
        for (const auto& c : children)
            n += c.count(attribute, value);
        return n;
    }
    const Element* find(const std::string& attribute, const std::string& value) const {
        if (attributes.count(attribute) && attributes.at(attribute) == value) return this;
        for (const auto& c : children)
            if (const Element* e = c.find(attribute, value)) return e;
        return nullptr;
    }
};

class Reader {
  public:
    explicit Reader(std::string text) : s_(std::move(text)) {}
    Element document() {
        skip_space();
        if (s_.compare(at_, 5, "<?xml") == 0) at_ = s_.find("?>", at_) + 2;
        skip_space();
        Element root = element();
        skip_space();
        REQUIRE_MESSAGE(at_ == s_.size(), "text after the root element");
        return root;
    }

  private:
    void skip_space() {
        while (at_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[at_])))
            ++at_;
    }
    std::string name() {
        size_t from = at_;
        while (at_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[at_])) ||
                                   std::string_view("-_:.").find(s_[at_]) != std::string::npos))
            ++at_;
        REQUIRE_MESSAGE(at_ > from, "a name expected at " << from);
        return s_.substr(from, at_ - from);
    }
    // Character data: entities must be the five XML knows (or a character reference).
    std::string data(size_t from, size_t to) {
        std::string out = s_.substr(from, to - from);
        REQUIRE_MESSAGE(out.find('<') == std::string::npos, "a raw < in " << out);
        for (size_t amp = out.find('&'); amp != std::string::npos; amp = out.find('&', amp + 1)) {
            std::string entity = out.substr(amp, out.find(';', amp) - amp + 1);
            CHECK_MESSAGE((entity == "&amp;" || entity == "&lt;" || entity == "&gt;" ||
                           entity == "&quot;" || entity == "&apos;" || entity.rfind("&#", 0) == 0),
                          "a bad entity: " << entity);
        }
        return out;
    }
    Element element() {
        REQUIRE(s_[at_] == '<');
        ++at_;
        Element e;
        e.name = name();
        for (;;) {
            skip_space();
            if (s_.compare(at_, 2, "/>") == 0) {
                at_ += 2;
                return e;
            }
            if (s_[at_] == '>') break;
            std::string key = name();
            REQUIRE_MESSAGE(s_.compare(at_, 2, "=\"") == 0, "attribute " << key << " unquoted");
            size_t end = s_.find('"', at_ + 2);
            REQUIRE(end != std::string::npos);
            REQUIRE_MESSAGE(!e.attributes.count(key), "attribute " << key << " twice");
            e.attributes[key] = data(at_ + 2, end);
            at_ = end + 1;
        }
        ++at_;
        for (;;) {
            size_t next = s_.find('<', at_);
            REQUIRE_MESSAGE(next != std::string::npos, "<" << e.name << "> is not closed");
            e.text += data(at_, next);
            at_ = next;
            if (s_.compare(at_, 2, "</") == 0) {
                at_ += 2;
                REQUIRE_MESSAGE(name() == e.name, "</...> does not close <" << e.name << ">");
                REQUIRE(s_[at_] == '>');
                ++at_;
                return e;
            }
            e.children.push_back(element());
        }
    }
    std::string s_;
    size_t at_ = 0;
};

// The root element of text, failing the test unless it is well-formed.
inline Element parse(std::string text) {
    return Reader(std::move(text)).document();
}

} // namespace e2e::xml
