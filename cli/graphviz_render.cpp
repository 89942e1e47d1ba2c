#include "cli/graphviz_render.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <thread>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <vector>

#include <fmt/format.h>

extern char** environ;

namespace tg::cli {

namespace {

// A file in the temporary directory that is removed when this goes out of scope.
struct TempFile {
  std::filesystem::path path;
  explicit TempFile(const char* suffix) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "tapegrad-graph-XXXXXX").string() + suffix;
    const int fd = mkstemps(pattern.data(), static_cast<int>(std::strlen(suffix)));
    if (fd < 0)
      throw std::runtime_error(
          fmt::format("render_dot: cannot create a temporary file: {}", std::strerror(errno)));
    ::close(fd);
    path = pattern;
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
};

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Waits for the child pid (the leader of its own process group) for at most `timeout`; past it
// the whole group is killed, so that a program that never exits cannot hang tapegrad.
int wait_for(pid_t pid, const std::string& program, std::chrono::duration<double> timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(1);
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0 && errno != EINTR)
      throw std::runtime_error(fmt::format("waiting for '{}': {}", program, std::strerror(errno)));
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(-pid, SIGKILL);
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      throw graphviz_timeout(
          fmt::format("Graphviz's '{}' did not finish within {:g} s, so it was stopped "
                      "(--dot-timeout SECONDS allows it more time)",
                      program, timeout.count()));
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

// Runs program with args, stdout and stderr to files; returns the wait status, or throws when
// it cannot be started or takes longer than `timeout`.
int run(const std::string& program, const std::vector<std::string>& args, const std::filesystem::path& out,
        const std::filesystem::path& err, std::chrono::duration<double> timeout) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_TRUNC, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_TRUNC, 0);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP);  // its own group (0: its pid), killed whole on timeout
  posix_spawnattr_setpgroup(&attributes, 0);
  std::vector<char*> argv{const_cast<char*>(program.c_str())};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int started = posix_spawnp(&pid, program.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (started == ENOENT)
    throw std::runtime_error(fmt::format(
        "Graphviz's '{}' program is not installed (Debian package graphviz; scripts/install-deps.sh installs it); "
        "write the graph as .dot instead",
        program));
  if (started != 0)
    throw std::runtime_error(fmt::format("cannot run Graphviz's '{}': {}", program, std::strerror(started)));
  return wait_for(pid, program, timeout);
}

}  // namespace

std::string to_string(GraphFormat format) {
  switch (format) {
    case GraphFormat::dot: return "dot";
    case GraphFormat::svg: return "svg";
    case GraphFormat::png: return "png";
  }
  return "?";
}

std::optional<GraphFormat> graph_format_of(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".dot" || ext == ".gv") return GraphFormat::dot;
  if (ext == ".svg") return GraphFormat::svg;
  if (ext == ".png") return GraphFormat::png;
  return std::nullopt;
}

bool graphviz_available(const std::string& dot_program, std::chrono::duration<double> timeout) {
  try {
    TempFile out(".txt"), err(".txt");
    const int status = run(dot_program, {"-V"}, out.path, err.path, timeout);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  } catch (const graphviz_timeout&) {
    throw;  // there, but hanging: not "not installed"
  } catch (const std::runtime_error&) {
    return false;
  }
}

std::string render_dot(std::string_view dot_text, GraphFormat format, const std::string& dot_program,
                       std::chrono::duration<double> timeout) {
  if (format == GraphFormat::dot) return std::string(dot_text);
  TempFile in(".dot"), out(fmt::format(".{}", to_string(format)).c_str()), err(".txt");
  {
    std::ofstream file(in.path, std::ios::binary);
    file.write(dot_text.data(), static_cast<std::streamsize>(dot_text.size()));
    if (!file) throw std::runtime_error(fmt::format("render_dot: cannot write '{}'", in.path.string()));
  }
  const int status =
      run(dot_program, {"-T" + to_string(format), in.path.string()}, out.path, err.path, timeout);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string message = read_bytes(err.path);
    message = message.substr(0, message.find('\n'));
    throw std::runtime_error(
        fmt::format("Graphviz's '{}' failed to render {} ({}){}", dot_program, to_string(format),
                    WIFEXITED(status) ? fmt::format("exit status {}", WEXITSTATUS(status))
                                      : fmt::format("signal {}", WTERMSIG(status)),
                    message.empty() ? "" : ": " + message));
  }
  return read_bytes(out.path);
}

}  // namespace tg::cli
