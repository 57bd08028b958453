// What the config suite's files share: the sandbox's config file, and a server that
// takes connections and never answers.
#pragma once

#include "harness.hpp"

#include <arpa/inet.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace e2e {

// The config file at its default place in the sandbox's HOME.
class Config {
  public:
    explicit Config(const Sandbox& s)
        : s_(s), dir_(s.dir() + "/home/.config/chatctl"), path_(dir_ + "/config.yaml") {}
    const std::string& path() const { return path_; }
    const std::string& dir() const { return dir_; }
    void write(const std::string& text) const {
        s_.write("home/.config/chatctl/config.yaml", text);
    }
    std::string text() const {
        std::ifstream in(path_, std::ios::binary);
        std::stringstream out;
        out << in.rdbuf();
        return out.str();
    }
    // chatctl ARGS without --db: the store comes from the context (or the variables).
    Result run(const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env = {}) const {
        return s_.run(args, env, "", true);
    }

  private:
    const Sandbox& s_;
    std::string dir_, path_;
};

// A TCP port on 127.0.0.1 where the kernel completes every connection and nothing ever
// answers: a server that hangs, or a network that drops replies.
class SilentServer {
  public:
    SilentServer() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t n = sizeof a;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
            ::listen(fd_, 16) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &n) != 0)
            throw std::runtime_error("cannot listen on 127.0.0.1");
        port_ = ntohs(a.sin_port);
    }
    ~SilentServer() { ::close(fd_); }
    SilentServer(const SilentServer&) = delete;
    SilentServer& operator=(const SilentServer&) = delete;
    std::string uri(const std::string& query = "") const {
        return "postgresql://chatctl:Zq9secretpw@127.0.0.1:" + std::to_string(port_) + "/contact" +
               query;
    }

  private:
    int fd_ = -1;
    int port_ = 0;
};

inline double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

inline int mode_of(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 0777) : -1;
}

} // namespace e2e
