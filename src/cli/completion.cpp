// SPDX-License-Identifier: MIT
// `hooks completion SHELL`: print a completion script generated from the command tree.
#include "cli/commands.hpp"
#include "core/events/catalog.hpp"
#include "core/providers/registry.hpp"

#include <ostream>

namespace hooks::cli {
namespace {

struct CompletionOptions {
    std::string shell;
};

enum class ValueKind { none, text, words, files, env, events };

// One option or positional as the scripts see it.
struct Argument {
    std::vector<std::string> names; // "-H", "--header"; a positional's name
    std::string description;
    ValueKind kind = ValueKind::none;
    std::vector<std::string> words;
    bool is_repeatable = false;
};

struct CommandModel {
    std::string name;
    std::string description;
    std::vector<Argument> options;
    std::vector<Argument> positionals;
    std::vector<CommandModel> subcommands;
    std::vector<std::string> subcommand_names;
};

// CLI11's own string tools.
using CLI::detail::find_and_replace;
using CLI::detail::join;

// The values an IsMember check allows: CLI11 shows them in the type name as ":{a,b,c}".
std::vector<std::string> member_words(const CLI::Option& option) {
    for (const std::string& part : CLI::detail::split(option.get_type_name(), ':')) {
        if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
            return CLI::detail::split(part.substr(1, part.size() - 2), ',');
        }
    }
    return {};
}

// The model knows which values a check allows, not what a free value names: that is this
// table. A --provider that defaults to "auto" accepts "auto".
void classify_value(const CLI::Option& option, Argument& argument) {
    const std::string& key = argument.names.back();
    argument.words = member_words(option);
    if (!argument.words.empty()) {
        argument.kind = ValueKind::words;
    } else if (key == "--provider" || key == "NAME") {
        argument.kind = ValueKind::words;
        if (option.get_default_str() == "auto") {
            argument.words.emplace_back("auto");
        }
        providers::Registry registry = providers::Registry::builtin();
        for (const auto& scheme : registry.all()) {
            argument.words.push_back(scheme->info().name);
        }
    } else if (key == "--event") {
        argument.kind = ValueKind::events; // those of the --provider on the command line
    } else if (key == "FILE" || key == "LOG" || option.get_type_name() == "PATH" ||
               option.get_type_name() == "FILE") {
        argument.kind = ValueKind::files;
    } else {
        argument.kind = key == "--secret-env" ? ValueKind::env : ValueKind::text;
    }
}

Argument describe_option(const CLI::Option& option) {
    Argument argument;
    const std::string& description = option.get_description();
    argument.description = description.substr(0, description.find(". ")); // the first sentence
    argument.is_repeatable = option.get_expected_max() > 1;
    for (const std::string& name : option.get_snames()) {
        argument.names.push_back("-" + name);
    }
    for (const std::string& name : option.get_lnames()) {
        argument.names.push_back("--" + name);
    }
    if (!option.nonpositional()) {
        argument.names.push_back(option.get_name(true));
    }
    if (option.get_items_expected_max() > 0) { // not a flag
        classify_value(option, argument);
    }
    return argument;
}

CommandModel describe_app(CLI::App& app) {
    CommandModel model{app.get_name(), app.get_description(), {}, {}, {}, {}};
    for (const CLI::Option* option : app.get_options()) {
        // An empty group hides an option; an option group repeats its parent's --help.
        bool is_repeated_help = app.get_name().empty() && option == app.get_help_ptr();
        if (!option->get_group().empty() && !is_repeated_help) {
            (option->nonpositional() ? model.options : model.positionals)
                .push_back(describe_option(*option));
        }
    }
    for (CLI::App* subcommand : app.get_subcommands({})) {
        CommandModel child = describe_app(*subcommand);
        if (subcommand->get_name().empty()) { // an option group: its options are the app's
            model.options.insert(model.options.end(), child.options.begin(), child.options.end());
            model.positionals.insert(model.positionals.end(), child.positionals.begin(),
                                     child.positionals.end());
        } else if (!subcommand->get_group().empty()) { // an empty group hides a command
            model.subcommands.push_back(std::move(child));
            model.subcommand_names.push_back(subcommand->get_name());
        }
    }
    return model;
}

/// Each built-in provider that has events, with their names: for completing --event.
std::vector<std::pair<std::string, std::string>> events_by_provider() {
    std::vector<std::pair<std::string, std::string>> table;
    providers::Registry registry = providers::Registry::builtin();
    for (const auto& scheme : registry.all()) {
        std::vector<std::string> names;
        for (const events::EventInfo& event : events::list_events(scheme->info().name)) {
            names.push_back(event.name);
        }
        if (!names.empty()) {
            table.emplace_back(scheme->info().name, join(names, " "));
        }
    }
    return table;
}

// send's --provider defaults to Standard Webhooks: its events when none is on the line.
constexpr const char* k_default_event_provider = "standard";

std::string sh_quoted(const std::string& text) {
    return "'" + find_and_replace(text, "'", "'\\''") + "'";
}

// fish single quotes escape only a backslash and a quote.
std::string fish_quoted(const std::string& text) {
    return "'" + find_and_replace(find_and_replace(text, "\\", "\\\\"), "'", "\\'") + "'";
}

// Inside a zsh _arguments spec, brackets end a description and colons a message.
std::string zsh_escaped(std::string text) {
    for (const char* special : {"\\", "[", "]", ":"}) {
        text = find_and_replace(text, special, std::string("\\") + special);
    }
    return text;
}

enum class Shell { bash, zsh, fish };

// How `shell` completes a value of `argument`; ":", " " and "" complete nothing.
std::string value_action(const Argument& argument, Shell shell) {
    std::string words = join(argument.words, " ");
    switch (argument.kind) {
    case ValueKind::words:
        return shell == Shell::bash  ? "_hooks_words " + sh_quoted(words)
               : shell == Shell::zsh ? "(" + words + ")"
                                     : " -a " + fish_quoted(words);
    case ValueKind::files:
        return shell == Shell::bash ? "_hooks_files" : shell == Shell::zsh ? "_files" : " -F";
    case ValueKind::env:
        return shell == Shell::bash  ? "_hooks_env"
               : shell == Shell::zsh ? "_parameters -g '*export*'"
                                     : " -a '(set --names --export)'";
    case ValueKind::events:
        return shell == Shell::bash  ? "_hooks_events"
               : shell == Shell::zsh ? "_hooks_events"
                                     : " -a '(__hooks_events)'";
    case ValueKind::none:
    case ValueKind::text:
        break;
    }
    return shell == Shell::bash ? ":" : shell == Shell::zsh ? " " : "";
}

void write_bash_case(const CommandModel& command, std::ostream& out) {
    std::vector<std::string> options;
    out << "        case $prev in\n";
    for (const Argument& option : command.options) {
        options.insert(options.end(), option.names.begin(), option.names.end());
        if (option.kind != ValueKind::none) {
            out << "            " << join(option.names, "|") << ") "
                << value_action(option, Shell::bash) << " ;;\n";
        }
    }
    // Each command has subcommands or at most one positional; without either, offer options.
    std::string operand = "_hooks_words " + sh_quoted(join(options, " "));
    if (!command.subcommand_names.empty()) {
        operand = "_hooks_words " + sh_quoted(join(command.subcommand_names, " "));
    } else if (!command.positionals.empty()) {
        operand = value_action(command.positionals.front(), Shell::bash);
    }
    out << "            *) if [[ $cur == -* ]]; then _hooks_words " << sh_quoted(join(options, " "))
        << "; else " << operand << "; fi ;;\n        esac ;;\n";
}

void write_bash(const CommandModel& root, std::ostream& out) {
    out << R"(# bash completion for hooks; generated by `hooks completion bash`, do not edit.
_hooks_words() { mapfile -t COMPREPLY < <(compgen -W "$1" -- "$cur"); }
_hooks_files() { compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur"); }
_hooks_env() { mapfile -t COMPREPLY < <(compgen -e -- "$cur"); }
_hooks_events() {
    local provider=)"
        << k_default_event_provider << R"( i
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ ${COMP_WORDS[i]} == --provider ]]; then
            provider=${COMP_WORDS[i+1]}
            [[ $provider == = ]] && provider=${COMP_WORDS[i+2]}
        fi
    done
    case $provider in
)";
    for (const auto& [provider, names] : events_by_provider()) {
        out << "        " << provider << ") _hooks_words " << sh_quoted(names) << " ;;\n";
    }
    out << R"(    esac
}

_hooks() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} command= i
    # Bash splits --name=value at '=': complete the value of the word before it.
    if [[ $cur == = ]]; then cur=; elif [[ $prev == = ]]; then prev=${COMP_WORDS[COMP_CWORD-2]}; fi
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            )"
        << join(root.subcommand_names, "|")
        << ") command=${COMP_WORDS[i]}; break ;;\n        esac\n    done\n    COMPREPLY=()\n"
        << "    case $command in\n    \"\")\n";
    write_bash_case(root, out);
    for (const CommandModel& subcommand : root.subcommands) {
        out << "    " << subcommand.name << ")\n";
        write_bash_case(subcommand, out);
    }
    out << "    esac\n}\n\ncomplete -F _hooks hooks\n";
}

void write_zsh_arguments(const CommandModel& command, std::ostream& out) {
    for (const Argument& option : command.options) {
        std::string exclusion = option.is_repeatable ? "*" : "(" + join(option.names, " ") + ")";
        for (const std::string& name : option.names) {
            std::string spec = exclusion + name;
            if (option.kind != ValueKind::none) {
                spec += (name.size() == 2 ? "+[" : "=[") + zsh_escaped(option.description) +
                        "]:" + option.names.back().substr(2) + ":" +
                        value_action(option, Shell::zsh);
            } else {
                spec += "[" + zsh_escaped(option.description) + "]";
            }
            out << " \\\n        " << sh_quoted(spec);
        }
    }
    for (size_t i = 0; i < command.positionals.size(); ++i) {
        const Argument& positional = command.positionals[i];
        out << " \\\n        "
            << sh_quoted(std::to_string(i + 1) + ":" + zsh_escaped(positional.description) + ":" +
                         value_action(positional, Shell::zsh));
    }
}

void write_zsh(const CommandModel& root, std::ostream& out) {
    out << "#compdef hooks\n"
        << "# zsh completion for hooks; generated by `hooks completion zsh`, do not edit.\n"
        << "\n_hooks_events() {\n    case ${opt_args[--provider]:-" << k_default_event_provider
        << "} in\n";
    for (const auto& [provider, names] : events_by_provider()) {
        out << "        " << provider << ") compadd -- " << names << " ;;\n";
    }
    out << "    esac\n}\n";
    for (const CommandModel& subcommand : root.subcommands) {
        out << "\n_hooks_" << subcommand.name << "() {\n    _arguments -s -S";
        write_zsh_arguments(subcommand, out);
        out << "\n}\n";
    }
    out << "\n_hooks() {\n    local curcontext=$curcontext state line\n    typeset -A opt_args\n"
        << "    _arguments -C";
    write_zsh_arguments(root, out);
    out << " \\\n        '1: :->command' \\\n        '*:: :->argument'\n"
        << "    case $state in\n    command)\n        local -a commands=(\n";
    for (const CommandModel& subcommand : root.subcommands) {
        out << "            "
            << sh_quoted(zsh_escaped(subcommand.name) + ":" + subcommand.description) << '\n';
    }
    out << R"(        )
        _describe -t commands 'hooks command' commands ;;
    argument)
        curcontext=${curcontext%:*:*}:hooks-$line[1]:
        (( $+functions[_hooks_$line[1]] )) && _hooks_$line[1] ;;
    esac
}

if [[ $funcstack[1] == _hooks ]]; then _hooks "$@"; else compdef _hooks hooks; fi
)";
}

void write_fish_arguments(const CommandModel& command, const std::string& condition,
                          std::ostream& out) {
    for (const Argument& option : command.options) {
        out << "complete -c hooks -n " << condition;
        for (const std::string& name : option.names) {
            out << (name.size() == 2 ? " -s " + name.substr(1) : " -l " + name.substr(2));
        }
        const char* takes = option.kind == ValueKind::files ? " -r" : " -x";
        out << (option.kind == ValueKind::none ? "" : takes) << value_action(option, Shell::fish)
            << " -d " << fish_quoted(option.description) << '\n';
    }
    for (const Argument& positional : command.positionals) {
        if (positional.kind != ValueKind::text) {
            out << "complete -c hooks -n " << condition << value_action(positional, Shell::fish)
                << " -d " << fish_quoted(positional.description) << '\n';
        }
    }
}

void write_fish(const CommandModel& root, std::ostream& out) {
    out << "# fish completion for hooks; generated by `hooks completion fish`, do not edit.\n"
        << "complete -c hooks -f\n"
        << "function __hooks_events\n"
        << "    set -l provider " << k_default_event_provider << "\n"
        << "    set -l words (commandline -opc)\n"
        << "    for i in (seq (count $words))\n"
        << "        if test \"$words[$i]\" = --provider; and test $i -lt (count $words)\n"
        << "            set provider $words[(math $i + 1)]\n"
        << "        else if string match -q -- '--provider=*' $words[$i]\n"
        << "            set provider (string replace -- '--provider=' '' $words[$i])\n"
        << "        end\n"
        << "    end\n"
        << "    switch $provider\n";
    for (const auto& [provider, names] : events_by_provider()) {
        out << "        case " << provider << "\n            printf '%s\\n' " << names << "\n";
    }
    out << "    end\nend\n";
    write_fish_arguments(root, "__fish_use_subcommand", out);
    for (const CommandModel& subcommand : root.subcommands) {
        out << "complete -c hooks -n __fish_use_subcommand -a " << subcommand.name << " -d "
            << fish_quoted(subcommand.description) << '\n';
    }
    for (const CommandModel& subcommand : root.subcommands) {
        write_fish_arguments(subcommand, "'__fish_seen_subcommand_from " + subcommand.name + "'",
                             out);
    }
}

Result<int> run_completion(const CompletionOptions& options, CLI::App& root, Context& context) {
    CommandModel model = describe_app(root);
    if (options.shell == "bash") {
        write_bash(model, context.out);
    } else if (options.shell == "zsh") {
        write_zsh(model, context.out);
    } else {
        write_fish(model, context.out);
    }
    return 0;
}

} // namespace

void register_completion(CLI::App& command, Context& context) {
    auto options = std::make_shared<CompletionOptions>();
    command.add_option("SHELL", options->shell, "The shell to print a completion script for")
        ->required()
        ->check(CLI::IsMember({"bash", "zsh", "fish"}));
    command.footer(
        "Examples:\n"
        "  source <(hooks completion bash)          # this bash session only\n"
        "  hooks completion bash > ~/.local/share/bash-completion/completions/hooks\n"
        "  hooks completion zsh > ~/.zfunc/_hooks   # with fpath+=(~/.zfunc) before compinit\n"
        "  hooks completion fish > ~/.config/fish/completions/hooks.fish\n"
        "The script depends only on the command tree, never on the environment.");
    command.callback([options, &command, &context] {
        context.action = [options, &command, &context] {
            return run_completion(*options, *command.get_parent(), context);
        };
    });
}

} // namespace hooks::cli
