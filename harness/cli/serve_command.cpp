// `sextant serve`: the live dashboard of one or more work directories over HTTP: the HTML
// report, regenerated as the stores change, and a JSON API of runs, scores and progress.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "core/error.hpp"
#include "harness/cli/arguments.hpp"
#include "harness/cli/build_info.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/work_dirs.hpp"
#include "reports/dashboard.hpp"
#include "reports/dashboard_server.hpp"
#include "reports/store_reader.hpp"

namespace sextant::harness {

int serve_command(const std::vector<std::string>& argv) {
  Arguments args("serve",
                 "Serves the live dashboard of one or more work directories: at / the HTML report (as `sextant report "
                 "--format html` writes it), regenerated when a store changes and following running evaluations; and a "
                 "JSON API: /api/runs, /api/runs/{id} and /api/runs/{id}/scores (add ?store=N when several stores have "
                 "that run id), /api/progress (the unfinished runs' tasks: done/total, items/s, updated_at). A work "
                 "directory without a store yet is shown once `sextant eval --work-dir` writes one. Prints the URL on "
                 "stdout; Ctrl-C or SIGTERM stops it.");
  add_work_dirs_options(args, "serve");
  args.option("port", "P", "the TCP port (0: any free one; the URL printed says which)", "8080")
      .option("bind", "ADDR",
              "the address to listen on; the default answers this machine only, 0.0.0.0 or :: every network "
              "(the dashboard has no authentication)",
              "127.0.0.1")
      .option("samples", "N", "samples embedded per model and dataset in the page, as for report",
              std::to_string(reports::kDefaultHtmlSamples));
  if (!args.parse(argv)) return 0;
  const long long port = args.get_int("port");
  if (port < 0 || port > 65535) throw UsageError(fmt::format("serve: --port must be 0 to 65535, not {}", port));
  const long long samples = args.get_int("samples");
  if (samples < 0) throw UsageError(fmt::format("serve: --samples must be 0 or more, not {}", samples));
  reports::DashboardOptions options;
  for (const auto& d : work_dirs_of(args)) {
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
