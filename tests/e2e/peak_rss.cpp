// peak_rss OUT COMMAND [ARG...]: runs the command and writes its peak memory (kB) to OUT,
// exiting as it exits. A process started from a large one by posix_spawn inherits that
// process's peak; one forked from this small one starts from its own.
#include <cstdio>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: peak_rss OUT COMMAND [ARG...]\n");
        return 64;
    }
    pid_t pid = ::fork();
    if (pid < 0) return 71;
    if (pid == 0) {
        ::execv(argv[2], argv + 2);
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    if (::wait4(pid, &status, 0, &usage) < 0) return 71;
    if (std::FILE* out = std::fopen(argv[1], "w")) {
        std::fprintf(out, "%ld\n", usage.ru_maxrss);
        std::fclose(out);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
