// `sextant serve`: the live dashboard of one or more work directories over HTTP: the HTML
// report, regenerated as the stores change, and a JSON API of runs, scores and progress.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "core/error.hpp"
#include "harness/cli/arguments.hpp"
#include "harness/cli/commands.hpp"
#include "reports/dashboard.hpp"
#include "reports/dashboard_server.hpp"
#include "reports/store_reader.hpp"

// The build passes both; these stand in when this file is compiled on its own.
#ifndef SEXTANT_VERSION
#define SEXTANT_VERSION "0.1.0"
#endif
#ifndef SEXTANT_GIT_REVISION
#define SEXTANT_GIT_REVISION "unknown"
#endif

namespace sextant::harness {

namespace {

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

int serve_command(const std::vector<std::string>& argv) {
  Arguments args("serve",
                 "Serves the live dashboard of one or more work directories: at / the HTML report (as `sextant report "
                 "--format html` writes it), regenerated when a store changes and following running evaluations; and a "
                 "JSON API: /api/runs, /api/runs/{id} and /api/runs/{id}/scores (add ?store=N when several stores have "
                 "that run id), /api/progress (the unfinished runs' tasks: done/total, items/s, updated_at). A work "
                 "directory without a store yet is shown once `sextant eval --work-dir` writes one. Prints the URL on "
                 "stdout; Ctrl-C or SIGTERM stops it.");
  args.option("work-dir", "DIR",
              "the work directory whose store (DIR/sextant.db) to serve (default: sextant-work, as for eval, when "
              "--work-dirs is not given either)")
      .option("work-dirs", "LIST", "several work directories, comma-separated, served together")
      .option("port", "P", "the TCP port (0: any free one; the URL printed says which)", "8080")
      .option("bind", "ADDR",
              "the address to listen on; the default answers this machine only, 0.0.0.0 or :: every network "
              "(the dashboard has no authentication)",
              "127.0.0.1")
      .option("samples", "N", "samples embedded per model and dataset in the page, as for report",
              std::to_string(reports::kDefaultHtmlSamples));
  if (!args.parse(argv)) return 0;
  // Arguments keeps only the last of a repeated option, which would drop a store without a word.
  if (std::count_if(argv.begin(), argv.end(),
                    [](const std::string& a) { return a == "--work-dir" || a.rfind("--work-dir=", 0) == 0; }) > 1)
    throw UsageError("serve: --work-dir is given more than once; name several work directories with --work-dirs D1,D2");

  const long long port = args.get_int("port");
  if (port < 0 || port > 65535) throw UsageError(fmt::format("serve: --port must be 0 to 65535, not {}", port));
  const long long samples = args.get_int("samples");
  if (samples < 0) throw UsageError(fmt::format("serve: --samples must be 0 or more, not {}", samples));
  std::vector<std::string> dirs;
  if (args.has("work-dir")) dirs.push_back(args.get("work-dir"));
  if (args.has("work-dirs"))
    for (const auto& d : split_list(args.get("work-dirs"))) dirs.push_back(d);
  if (dirs.empty()) dirs.push_back("sextant-work");
  reports::DashboardOptions options;
  std::vector<std::filesystem::path> seen;  // a store named twice would count its runs twice
  for (const auto& d : dirs) {
    const auto canonical = std::filesystem::weakly_canonical(d);
    if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) continue;
    seen.push_back(canonical);
    options.work_dirs.push_back(d);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(reports::store_path(d), ec))
      std::cerr << fmt::format("note: {} has no store yet; it shows once `sextant eval --work-dir {}` writes one\n", d,
                               d);
  }
  options.samples = static_cast<std::size_t>(samples);
  options.sextant_version = SEXTANT_VERSION;
  options.git_revision = SEXTANT_GIT_REVISION;

  reports::ServerOptions server_options;
  server_options.bind = args.get("bind");
  server_options.port = static_cast<std::uint16_t>(port);

  reports::Dashboard dashboard(options);
  reports::DashboardServer server(dashboard, server_options);
  std::cout << server.url() << std::endl;
  std::cerr << fmt::format("serving {} store(s) at {} (Ctrl-C stops)\n", options.work_dirs.size(), server.url());
  if (server_options.bind.rfind("127.", 0) != 0 && server_options.bind != "::1")
    std::cerr << "note: listening beyond this machine; anyone who reaches the port reads the results\n";
  server.run();
  std::cerr << "stopped\n";
  return 0;
}

}  // namespace sextant::harness
