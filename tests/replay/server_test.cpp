// End to end: the real wcs-replay binary on 127.0.0.1, an ephemeral port, and plain socket clients.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ingest/replay/payload.hpp"

#ifndef WCS_REPLAY_BIN
#error "WCS_REPLAY_BIN must name the wcs-replay binary"
#endif

namespace wcs {
namespace {

namespace fs = std::filesystem;
using clock = std::chrono::steady_clock;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// One run of wcs-replay with stdout and stderr captured in files; killed if a test leaves it behind.
class replay_process {
 public:
  replay_process(const fs::path& dir, std::vector<std::string> args, const std::string& stdin_path = "/dev/null")
      : out_(dir / "stdout.txt"), err_(dir / "stderr.txt") {
    args.insert(args.begin(), WCS_REPLAY_BIN);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, stdin_path.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) pid_ = -1;
  }
  ~replay_process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  replay_process(const replay_process&) = delete;
  replay_process& operator=(const replay_process&) = delete;

  // The port from "wcs-replay: listening on 127.0.0.1:PORT", or nullopt if the process ended first.
  std::optional<int> port() {
    static const std::regex listening(R"((^|\n)wcs-replay: listening on 127\.0\.0\.1:(\d+)\n)");
    const auto deadline = clock::now() + std::chrono::seconds(10);
    while (clock::now() < deadline) {
      std::smatch m;
      const std::string err = stderr_text();
      if (std::regex_search(err, m, listening)) return std::stoi(m[2]);
      if (exited()) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return std::nullopt;
  }

  // The exit code, or -1 when the process still ran after `timeout_s` (it is killed then).
  int wait(double timeout_s = 10) {
    const auto deadline =
        clock::now() + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(timeout_s));
    while (!exited()) {
      if (clock::now() >= deadline) return -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  }

  std::string stderr_text() const { return slurp(err_); }
  std::string stdout_text() const { return slurp(out_); }
  bool started() const { return pid_ > 0 || reaped_; }

 private:
  bool exited() {
    if (reaped_) return true;
    if (pid_ > 0 && ::waitpid(pid_, &status_, WNOHANG) == pid_) {
      reaped_ = true;
      pid_ = -1;
    }
    return reaped_;
  }

  fs::path out_;
  fs::path err_;
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
};

int connect_local(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  // A stuck server must fail the test, not hang it.
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

// Reads until the server closes, or until `limit` bytes and then hangs up.
std::string receive(int port, std::size_t limit = std::string::npos) {
  const int fd = connect_local(port);
  if (fd < 0) return "<connect failed>";
  std::string data;
  std::vector<char> buf(1 << 20);
  while (data.size() < limit) {
    const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n <= 0) break;
    data.append(buf.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  return data;
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

class ReplayServer : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "wcs-replay-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& content) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // The real review sample when the shared data is present, else generated reviews; with the bytes
  // that one pass must deliver.
  std::pair<fs::path, std::string> reviews() {
    const char* shared = std::getenv("WCS_SHARED_DATA");
    if (shared != nullptr && fs::is_directory(shared)) {
      const fs::path path = fs::path(shared) / "reviews_musical_instruments_50.json";
      if (fs::exists(path)) {
        const std::string expected = build_json_payload(read_input(path.string()), "reviewText").bytes;
        EXPECT_EQ(count_lines(expected), 50u);
        return {path, expected};
      }
    }
    std::string file;
    std::string expected;
    for (int i = 0; i < 200; ++i) {
      const std::string text = "review " + std::to_string(i) + " of a fine guitar cable, works great";
      file += R"({"reviewerID": "A)" + std::to_string(i) + R"(", "reviewText": ")" + text +
              R"(", "overall": 5.0})"
              "\n";
      expected += text + "\n";
    }
    return {write("reviews.json", file), expected};
  }

  fs::path dir_;
};

TEST_F(ReplayServer, FullSpeedRepeatSendsExactPayload) {
  const auto [path, one_pass] = reviews();
  replay_process server(dir_, {"--host", "127.0.0.1", "--port", "0", "--file", path.string(), "--repeat", "3",
                               "--delay", "0", "--clients", "1"});
  ASSERT_TRUE(server.started());
  const auto port = server.port();
  ASSERT_TRUE(port) << server.stderr_text();
  const std::string got = receive(*port);
  EXPECT_EQ(got.size(), 3 * one_pass.size());
  EXPECT_TRUE(got == repeat(one_pass, 3));
  EXPECT_EQ(server.wait(), 0) << server.stderr_text();
  const std::string err = server.stderr_text();
  EXPECT_NE(err.find(" done: sent " + std::to_string(3 * count_lines(one_pass)) + " lines, " +
                     std::to_string(got.size()) + " bytes, skipped 0 records, "),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("wcs-replay: served 1 client, exiting\n"), std::string::npos) << err;
  EXPECT_EQ(server.stdout_text(), "") << "logs belong on stderr";
}

TEST_F(ReplayServer, SendsDecodedTextAndSkipsBadRecords) {
  const fs::path path = write("tricky.json",
                              "{\"reviewText\": \"caf\\u00e9 \\ud83c\\udfb8 \\\"quoted\\\"\"}\n"
                              "not json at all\n"
                              "{\"reviewText\": \"two\\nlines\\tand a tab\"}\r\n"
                              "{\"summary\": \"no text\"}\n"
                              "{\"reviewText\": 42}\n"
                              "{\"reviewText\": \"\xe4\xb8\xad\xe6\x96\x87 raw\"}");
  replay_process server(dir_, {"--port", "0", "--file", path.string(), "--delay", "0", "--clients", "1"});
  const auto port = server.port();
  ASSERT_TRUE(port) << server.stderr_text();
  const std::string expected =
      "caf\xc3\xa9 \xf0\x9f\x8e\xb8 \"quoted\"\n"
      "two\nlines\tand a tab\n"
      "\xe4\xb8\xad\xe6\x96\x87 raw\n";
  EXPECT_EQ(receive(*port), expected);
  EXPECT_EQ(server.wait(), 0);
  EXPECT_NE(server.stderr_text().find("sent 3 lines, " + std::to_string(expected.size()) + " bytes, skipped 3 records"),
            std::string::npos)
      << server.stderr_text();
}

TEST_F(ReplayServer, ServesClientsOneAfterAnother) {
  const auto [path, one_pass] = reviews();
  replay_process server(dir_, {"--port", "0", "--file", path.string(), "--delay", "0", "--clients", "2"});
  const auto port = server.port();
  ASSERT_TRUE(port) << server.stderr_text();
  EXPECT_TRUE(receive(*port) == one_pass);
  EXPECT_TRUE(receive(*port) == one_pass);
  EXPECT_EQ(server.wait(), 0) << server.stderr_text();
}

TEST_F(ReplayServer, ClientHangingUpMidSendIsSurvived) {
  const auto [path, one_pass] = reviews();
  // Far more than the socket buffers hold, so the server is still sending when the client leaves.
  replay_process server(
      dir_, {"--port", "0", "--file", path.string(), "--delay", "0", "--repeat", "200000", "--clients", "2"});
  const auto port = server.port();
  ASSERT_TRUE(port) << server.stderr_text();
  EXPECT_EQ(receive(*port, 1 << 20).substr(0, one_pass.size()), one_pass);
  EXPECT_EQ(receive(*port, 1 << 20).substr(0, one_pass.size()), one_pass);
  EXPECT_EQ(server.wait(), 0) << server.stderr_text();
  const std::string err = server.stderr_text();
  std::size_t hangups = 0;
  for (std::size_t at = err.find(" disconnected ("); at != std::string::npos;
       at = err.find(" disconnected (", at + 1)) {
    ++hangups;
  }
  EXPECT_EQ(hangups, 2u) << err;
}

TEST_F(ReplayServer, RatePacesLines) {
  const auto [path, one_pass] = reviews();
  const std::size_t lines = 2 * count_lines(one_pass);
  const double rate = static_cast<double>(lines) / 0.3;  // the whole send should take ~0.3 s
  replay_process server(dir_, {"--port", "0", "--file", path.string(), "--rate", std::to_string(rate), "--repeat", "2",
                               "--clients", "1"});
  const auto port = server.port();
  ASSERT_TRUE(port) << server.stderr_text();
  const auto start = clock::now();
  EXPECT_TRUE(receive(*port) == repeat(one_pass, 2));
  const double took = std::chrono::duration<double>(clock::now() - start).count();
  EXPECT_GE(took, 0.25);
  EXPECT_LT(took, 3.0);
  EXPECT_EQ(server.wait(), 0);
}

TEST_F(ReplayServer, DelayPacesLines) {
  const fs::path path =
      write("three.json", "{\"reviewText\": \"a\"}\n{\"reviewText\": \"b c\"}\n{\"reviewText\": \"d\"}\n");
  replay_process server(dir_, {"--port", "0", "--file", path.string(), "--delay", "0.1", "--clients", "1"});
  const auto port = server.port();
  ASSERT_TRUE(port) << server.stderr_text();
  const auto start = clock::now();
  EXPECT_EQ(receive(*port), "a\nb c\nd\n");
  // The tutorial sleeps after every line, the last one too, before it closes.
  const double took = std::chrono::duration<double>(clock::now() - start).count();
  EXPECT_GE(took, 0.28);
  EXPECT_LT(took, 3.0);
  EXPECT_EQ(server.wait(), 0);
}

TEST_F(ReplayServer, PlainTextFromStdin) {
  const fs::path path = write("plain.txt", "In the beginning\n\n  spaced\xc2\xa0out \xff\r\nlast line");
  replay_process server(dir_, {"--port", "0", "--file", "-", "--plain", "--delay", "0", "--clients", "1"},
                        path.string());
  const auto port = server.port();
  ASSERT_TRUE(port) << server.stderr_text();
  EXPECT_EQ(receive(*port), "In the beginning\n\n  spaced\xc2\xa0out \xff\r\nlast line\n");
  EXPECT_EQ(server.wait(), 0);
}

TEST_F(ReplayServer, NoClientExitsZeroAfterWait) {
  const auto [path, one_pass] = reviews();
  const auto start = clock::now();
  replay_process server(dir_, {"--port", "0", "--file", path.string(), "--wait", "0.5"});
  ASSERT_TRUE(server.port()) << server.stderr_text();
  EXPECT_EQ(server.wait(), 0) << server.stderr_text();
  const double took = std::chrono::duration<double>(clock::now() - start).count();
  EXPECT_GE(took, 0.45);
  EXPECT_LT(took, 5.0);
  EXPECT_NE(server.stderr_text().find("wcs-replay: no clients connected within 0.5 s, exiting\n"), std::string::npos)
      << server.stderr_text();
}

// A setup error is one line on stderr and exit code 2.
void expect_one_line_error(replay_process& server, const std::string& needle) {
  EXPECT_EQ(server.wait(), 2);
  const std::string err = server.stderr_text();
  EXPECT_EQ(count_lines(err), 1u) << err;
  EXPECT_EQ(err.rfind("wcs-replay: error: ", 0), 0u) << err;
  EXPECT_NE(err.find(needle), std::string::npos) << err;
}

TEST_F(ReplayServer, PortInUseIsExitTwo) {
  const int busy = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(busy, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(busy, 1), 0);
  socklen_t len = sizeof addr;
  ::getsockname(busy, reinterpret_cast<sockaddr*>(&addr), &len);
  const auto [path, one_pass] = reviews();
  replay_process server(
      dir_, {"--host", "127.0.0.1", "--port", std::to_string(ntohs(addr.sin_port)), "--file", path.string()});
  expect_one_line_error(server, "Address already in use");
  ::close(busy);
}

TEST_F(ReplayServer, MissingFileIsExitTwo) {
  const std::string missing = (dir_ / "missing.json").string();
  replay_process server(dir_, {"--port", "0", "--file", missing});
  expect_one_line_error(server, "cannot read " + missing + ": No such file or directory");
}

TEST_F(ReplayServer, BadValuesAreExitTwo) {
  const auto [path, one_pass] = reviews();
  const std::vector<std::vector<std::string>> cases = {{"--delay", "-1"},   {"--rate", "0"},     {"--repeat", "0"},
                                                       {"--wait", "-2"},    {"--port", "70000"}, {"--clients", "-1"},
                                                       {"--delay", "soon"}, {"--no-such-flag"}};
  for (const auto& extra : cases) {
    std::vector<std::string> args = {"--file", path.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    replay_process server(dir_, args);
    SCOPED_TRACE(extra.front());
    expect_one_line_error(server, "");
  }
  replay_process no_file(dir_, {"--port", "0"});
  expect_one_line_error(no_file, "--file is required");
}

}  // namespace
}  // namespace wcs
