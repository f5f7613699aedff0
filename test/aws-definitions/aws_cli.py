"""Checks `aws` command lines against the AWS CLI's own command tables; check.py runs it.

    python test/aws-definitions/aws_cli.py < [[word, ...], ...]   (the words after `aws`)
    -> [[{"what": ..., "fix": ...}, ...], ...]                   (the problems of each, in order)

For each call: the service command, the operation (and any deeper subcommand, such as those of the
hand-written `aws s3`), and every --option must be in the tables that awscli
(https://pypi.org/project/awscli/, AWS CLI v1) builds for itself with
`awscli.clidriver.create_clidriver()`: the driver's command table and global arguments, each
command's own command table and argument table. Nothing here lists a command or an option by hand
but the few global options only AWS CLI v2 has (the CodeBuild images run v2).

A process of its own: awscli 1.46 brings its own copy of botocore and makes `import botocore`
resolve to it once awscli is imported, while check.py reads the newest botocore's service models.
"""

import difflib
import json
import sys

from awscli.clidriver import create_clidriver

# Global options of AWS CLI v2 that v1 does not have, with whether each takes a value, from
# https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-options.html
V2_GLOBAL_OPTIONS = {
    '--cli-binary-format': True,
    '--no-cli-pager': False,
    '--cli-auto-prompt': False,
    '--no-cli-auto-prompt': False,
}


def takes_value(argument):
    return argument.cli_type_name != 'boolean' and argument.name != 'version'


def command_table(command):
    return getattr(command.create_help_command(), 'command_table', None) or {}


def nearest(word, choices):
    return next(iter(difflib.get_close_matches(word, list(choices), n=1)), None)


def unknown(kind, word, choices, path):
    """The problem of a word that is not among `choices`; the fix names the nearest."""
    near = nearest(word, choices)
    return {'what': f'{kind} {word} does not exist', 'fix': f'write {near}, not {word}' if near else f'see `{" ".join(path)} help`'}


def problems(words, driver, global_options):
    """The problems ({'what', 'fix'}) of one call, given the words after `aws`."""
    found = []
    table = command_table(driver)
    command, path, i = None, ['aws'], 0
    # Global options may come before the service; then the service and its subcommands, down to
    # the command that has no subcommands of its own (an operation).
    while i < len(words) and (table or command is None):
        word = words[i]
        name = word.split('=', 1)[0]
        if word.startswith('--'):
            if name not in global_options:
                found.append(unknown('global option', name, global_options, ['aws']))
            i += 2 if global_options.get(name) and '=' not in word else 1
            continue
        if word.startswith('$'):
            return found + [{'what': f'`{" ".join(path)} {word}`: the command is not a literal word', 'fix': 'write the command out, so that it can be checked'}]
        if word not in table:
            return found + [unknown(f'`{" ".join(path)}` command', word, table, path)]
        command, path, i = table[word], path + [word], i + 1
        table = command_table(command)
    if command is None or table:
        return found + [{'what': f'`{" ".join(path)}` names no operation', 'fix': f'add one of its commands, e.g. {", ".join(list(table)[:3])}'}]
    # Then its options: one problem for all those it does not have.
    options = [a.cli_name for a in command.arg_table.values() if not a.positional_arg]
    bad = [name for name in (w.split('=', 1)[0] for w in words[i:] if w.startswith('--')) if name not in options and name not in global_options]
    if bad:
        fixes = [f'write {near}, not {name}' for name in bad if (near := nearest(name, [*options, *global_options]))]
        if len(fixes) < len(bad):
            fixes.append(f'it takes {", ".join(sorted(options)[:12])}{" ..." if len(options) > 12 else ""}')
        found.append({'what': f'`{" ".join(path)}` has no option {", ".join(bad)}', 'fix': '; '.join(fixes)})
    return found


def main():
    driver = create_clidriver()
    global_options = {a.cli_name: takes_value(a) for a in driver.create_help_command().arg_table.values()}
    global_options.update(V2_GLOBAL_OPTIONS)
    calls = json.load(sys.stdin)
    json.dump([problems(words, driver, global_options) for words in calls], sys.stdout)


if __name__ == '__main__':
    main()
