// The floor for reading a declaration: libyaml's parser, the one chatctl reads with,
// taking every event and doing nothing with it, over the same file. Prints the number
// of scalars, so the work is not optimised away.
#include <cstdio>
#include <yaml.h>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: yaml_parse_floor FILE\n");
        return 64;
    }
    FILE* in = std::fopen(argv[1], "rb");
    if (!in) {
        std::perror(argv[1]);
        return 66;
    }
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, in);
    long scalars = 0;
    for (bool done = false; !done;) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            std::fprintf(stderr, "%s\n", parser.problem ? parser.problem : "parse error");
            return 65;
        }
        scalars += event.type == YAML_SCALAR_EVENT;
        done = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    std::fclose(in);
    std::printf("%ld\n", scalars);
}
