// SPDX-License-Identifier: MIT
// `hooks replay`: re-deliver a captured log, byte-exact or signed afresh, with retries and a
// journal to resume from.
#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "cli/replay_run.hpp"
#include "core/send/plan.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sys/stat.h>

namespace hooks::cli {
namespace {

struct ReplayOptions {
    std::string log = "-";
    std::string to;
    ProviderOptions provider;
    SecretOptions secrets;
    HeaderOptions headers;
    OutputOptions output;
    RetryOptions retry;
    std::vector<std::string> filters;
    bool is_as_captured = false;
    unsigned concurrency = 8;
    std::string rate;
    std::string journal;
    std::string failed;
    bool is_dry_run = false;
    bool is_quiet = false;
    bool is_insecure = false;
    std::string ca_file;
};

/// "50", "50/s", "600/m", "3600/h": deliveries per second.
Result<double> parse_rate(const std::string& text) {
    auto slash = text.find('/');
    std::string_view number(text.data(), slash == std::string::npos ? text.size() : slash);
    double value = 0;
    auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
    std::string_view unit =
        slash == std::string::npos ? "s" : std::string_view(text).substr(slash + 1);
    double per = unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : 0;
    if (error != std::errc() || end != number.data() + number.size() || !(value > 0) || per == 0 ||
        value > 1e9) {
        return fail(ErrorKind::usage, "--rate '" + text +
                                          "': expected deliveries per second, e.g. 50 or 50/s, "
                                          "600/m, 3600/h");
    }
    return value / per;
}

/// The signing half of the plan: --provider and its secrets, or the captured headers.
Result<void> plan_signing(const ReplayOptions& options, const providers::Registry& registry,
                          Context& context, StdinGuard& guard, replay::Plan& plan) {
    bool has_secret = !options.secrets.values.empty() || !options.secrets.files.empty() ||
                      !options.secrets.env_names.empty();
    if (options.provider.name.empty()) {
        if (has_secret) {
            return fail(ErrorKind::usage,
                        "a secret re-signs deliveries: also give --provider (which scheme)");
        }
        return {};
    }
    if (options.is_as_captured) {
        return fail(ErrorKind::usage,
                    "--as-captured sends the recorded signatures; drop --provider to keep them, "
                    "or drop --as-captured to sign afresh");
    }
    auto scheme = registry.find(options.provider.name);
    if (!scheme) {
        return tl::unexpected(scheme.error());
    }
    if (!(*scheme)->info().can_sign) {
        return fail(ErrorKind::usage,
                    "provider " + options.provider.name + " can only be verified, not signed");
    }
    plan.scheme = *scheme;
    if (plan.scheme->info().needs_secret) {
        auto secrets = resolve_secrets(options.secrets, context, guard);
        if (!secrets) {
            return tl::unexpected(secrets.error());
        }
        plan.secrets = std::move(*secrets);
    }
    return {};
}

Result<ReplayCommand> make_command(const ReplayOptions& options,
                                   const providers::Registry& registry, Context& context,
                                   StdinGuard& guard) {
    ReplayCommand command;
    command.is_dry_run = options.is_dry_run;
    command.is_json = options.output.is_json;
    command.is_quiet = options.is_quiet;
    replay::Plan& plan = command.plan;
    plan.registry = &registry;
    if (options.to.empty() && !options.is_dry_run) {
        return fail(ErrorKind::usage, "--to URL is required: where to re-deliver the log");
    }
    auto url = http::parse_url(options.to.empty() ? "http://127.0.0.1:8080" : options.to);
    if (!url) {
        return fail(ErrorKind::usage, "--to: " + url.error().message);
    }
    plan.destination = std::move(*url);
    // "--to http://h:3000/" keeps the recorded paths, as "--to http://h:3000" does: only a
    // path other than "/" replaces them (a trailing slash is too easy to add by accident).
    if (plan.destination.target == "/") {
        plan.destination.has_path = false;
    }
    command.destination_text = options.to;
    if (auto signing = plan_signing(options, registry, context, guard, plan); !signing) {
        return tl::unexpected(signing.error());
    }
    auto filter = replay::Filter::parse(options.filters, context.clock->now());
    if (!filter) {
        return tl::unexpected(filter.error());
    }
    plan.filter = std::move(*filter);
    auto headers = resolve_headers(HeaderOptions{options.headers.headers, ""});
    if (!headers) {
        return tl::unexpected(headers.error());
    }
    plan.extra_headers = std::move(headers->headers);
    auto schedule =
        resolve_schedule(options.retry, plan.scheme ? plan.scheme->info().name : "default");
    if (!schedule) {
        return tl::unexpected(schedule.error());
    }
    plan.schedule = std::move(*schedule);
    if (plan.schedule.jitter == 0) {
        plan.schedule.jitter = 0.1; // many deliveries failing together should not retry together
    }
    plan.time_scale = options.retry.time_scale;
    plan.batch.concurrency = options.concurrency;
    // Records held while under way (each with its body): enough to keep every connection busy
    // while some wait for a retry, few enough that large bodies do not add up.
    plan.batch.max_open = std::max<std::size_t>(64, std::size_t{2} * options.concurrency);
    plan.batch.client = send::client_options(options.is_insecure, options.ca_file, plan.schedule);
    if (!options.rate.empty()) {
        auto rate = parse_rate(options.rate);
        if (!rate) {
            return tl::unexpected(rate.error());
        }
        plan.batch.rate = *rate;
    }
    command.log_path = options.log;
    plan.journal_path = options.journal;
    plan.failed_path = options.failed;
    plan.is_every_outcome_reported = options.output.is_json;
    // The progress line: on a terminal redrawn every second, otherwise a line every 10 seconds.
    if (!options.is_quiet) {
        plan.progress_period =
            context.is_stderr_tty ? std::chrono::seconds(1) : std::chrono::seconds(10);
    }
    return command;
}

Result<int> run(const ReplayOptions& options, Context& context) {
    auto registry = load_registry(options.provider);
    if (!registry) {
        return tl::unexpected(registry.error());
    }
    StdinGuard guard;
    bool is_stdin = options.log == "-";
    if (is_stdin) {
        if (context.is_stdin_tty) {
            return fail(ErrorKind::usage,
                        "the log would be read from the terminal: give a file, or pipe one in");
        }
        guard.is_used = true;
    }
    auto command = make_command(options, *registry, context, guard);
    if (!command) {
        return tl::unexpected(command.error());
    }
    std::ifstream file;
    replay::SourceProgress progress;
    if (!is_stdin) {
        file.open(options.log, std::ios::binary);
        if (!file) {
            return fail(ErrorKind::input, "cannot open " + options.log + ": " +
                                              std::system_category().message(errno));
        }
        struct stat status {};
        bool is_known = ::stat(options.log.c_str(), &status) == 0;
        if (is_known && S_ISDIR(status.st_mode)) {
            return fail(ErrorKind::input, "cannot read " + options.log + ": it is a directory");
        }
        if (is_known && S_ISREG(status.st_mode)) {
            progress.size = static_cast<std::uint64_t>(status.st_size);
            progress.position = [&file] {
                auto at = file.tellg();
                return at < 0 ? std::uint64_t{0} : static_cast<std::uint64_t>(at);
            };
        }
    }
    std::istream& input = is_stdin ? context.in : file;
    auto source = log::Source::open(input, options.log);
    if (!source) {
        return tl::unexpected(source.error());
    }
    return run_replay(**source, *command, progress, context);
}

void add_selection_options(CLI::App& command, ReplayOptions& options) {
    command
        .add_option("--filter", options.filters,
                    "Replay only matching records: KEY=VALUES or KEY!=VALUES with KEY one of "
                    "provider, event, id, path, method (globs), verify (valid|invalid|"
                    "unverified), status (204, 2xx), seq (N or N-M), after, before (RFC 3339 "
                    "or a duration ago: 2h); comma-separated alternatives (repeatable; all "
                    "must hold)")
        ->type_name("EXPR");
    command.add_flag("--as-captured", options.is_as_captured,
                     "Send the recorded headers untouched, stale signatures included (the "
                     "default without --provider)");
}

void add_run_options(CLI::App& command, ReplayOptions& options) {
    command.add_option("--concurrency", options.concurrency, "Requests in flight at once")
        ->type_name("C")
        ->check(whole_number(1, 1024))
        ->capture_default_str();
    command
        .add_option("--rate", options.rate,
                    "Start at most R deliveries per second (50, 50/s, 600/m, 3600/h; retries "
                    "not counted)")
        ->type_name("R");
    command
        .add_option("--journal", options.journal,
                    "Record each finished delivery in FILE; the same command resumes from it "
                    "after a crash or Ctrl-C and sends nothing already acknowledged")
        ->type_name("FILE");
    command
        .add_option("--failed", options.failed,
                    "Write the deliveries that finally failed to FILE, as a log to replay later")
        ->type_name("FILE");
    command.add_flag("--dry-run", options.is_dry_run,
                     "List what would be sent (with the journal's progress); send nothing");
    command.add_flag("-q,--quiet", options.is_quiet,
                     "No progress line and no per-failure lines; only the summary");
    command.add_flag("-k,--insecure", options.is_insecure,
                     "Do not check the server's TLS certificate");
    command.add_option("--cacert", options.ca_file, "Trust the CA certificates in FILE (PEM)")
        ->type_name("FILE");
}

} // namespace

void register_replay(CLI::App& command, Context& context) {
    auto options = std::make_shared<ReplayOptions>();
    command
        .add_option("LOG", options->log,
                    "A delivery log (hooks listen --log) or a HAR 1.2 file; '-' for stdin")
        ->required();
    command
        .add_option("--to", options->to,
                    "Where to re-deliver: http:// or https:// (a path other than / "
                    "replaces the recorded ones)")
        ->type_name("URL");
    add_provider_options(command, options->provider, "", false);
    command.get_option("--provider")
        ->description("Sign every delivery afresh as this provider, with a new timestamp and "
                      "the recorded delivery id (default: send the captured headers)");
    add_secret_options(command, options->secrets, "the signing secret for --provider");
    add_selection_options(command, *options);
    add_header_options(command, options->headers, false);
    add_retry_options(command, options->retry,
                      "--provider's documented schedule, else 'default': 1s, 5s, 30s");
    add_run_options(command, *options);
    add_output_options(command, options->output);
    command.footer(
        "Exit status: 0 every selected delivery acknowledged (now or in an earlier run);\n"
        "1 some finally failed; 2 bad usage, an unreadable or corrupt log; 130 interrupted.\n"
        "Examples:\n"
        "  hooks replay deliveries.jsonl --to http://127.0.0.1:3000/webhooks\n"
        "  hooks replay deliveries.jsonl --to http://127.0.0.1:3000 --provider stripe \\\n"
        "      --secret-env STRIPE_SECRET --filter 'event=invoice.*' --journal replay.journal\n"
        "  hooks replay capture.har --to http://127.0.0.1:3000 --dry-run\n"
        "  hooks replay failed.jsonl --to http://127.0.0.1:3000 --failed still-failed.jsonl");
    command.callback([options, &context] {
        context.action = [options, &context] { return run(*options, context); };
    });
}

} // namespace hooks::cli
