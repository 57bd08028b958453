// The floor for reading a declaration: yaml-cpp's event parser with a handler that
// does nothing, over the same file. Prints the number of scalars, so the work is not
// optimised away.
#include <fstream>
#include <iostream>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

namespace {

struct Count : YAML::EventHandler {
    long scalars = 0;
    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  const std::string&) override {
        ++scalars;
    }
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: yaml_parse_floor FILE\n";
        return 64;
    }
    std::ifstream in(argv[1]);
    YAML::Parser parser(in);
    Count count;
    while (parser.HandleNextDocument(count)) {
    }
    std::cout << count.scalars << "\n";
}
