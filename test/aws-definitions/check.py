"""Holds what the library tells AWS to do against AWS's own published definitions, not our reading of them.

    python test/aws-definitions/check.py <cloud-assembly-dir> [files or dirs of .js/.md to scan too]

Prints how many calls it checked in each source, then each finding (the file, the resource's logical
id and construct path or the line, what is wrong, the fix), and exits 1 on any finding. Over every
template (*.template.json) and runbook (*.md) of the cloud assembly, and the files given:

a. EventBridge Scheduler universal targets (AWS::Scheduler::Schedule whose Target.Arn is
   arn:<partition>:scheduler:::aws-sdk:<service>:<action>), against the service models of botocore
   (https://pypi.org/project/botocore/, Apache-2.0): the service, the operation, the read-only
   operations Scheduler refuses, and Target.Input against the operation's input shape: member names
   as Scheduler reads them, required members, enum values, JSON types.
   https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html
b. `aws` CLI calls, in the CodeBuild buildspecs, in any other string of a template, in the runbooks'
   code spans and in the JavaScript files given (exec('aws', [...])), against the AWS CLI's own
   command tables (aws_cli.py, in a process of its own).
c. AWS SDK for JavaScript v3 commands (new <Op>Command({...})) in inline Lambda code (Code.ZipFile)
   and in the JavaScript files given (read by extract.js with acorn), against botocore: the client
   package's service, the operation, the input's member names as the API spells them.
d. `cdk` CLI calls in the buildspecs and runbooks, against the options that the pinned CDK CLI
   (node_modules/.bin/cdk, the version the jobs install) prints for `cdk <command> --help`.

Shell is read heuristically: each `aws` or `cdk` word at the start of a command, its words (shlex)
up to the first ; | & ( ) < > or the end of the line. A call that cannot be read so is a finding.
CloudFormation intrinsics become placeholders, ${LogicalId} or ${LogicalId.Attribute}: in an input,
a placeholder stands for a string only known at deploy time.
"""

import collections
import dataclasses
import difflib
import functools
import importlib.metadata
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import botocore.session
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CDK = ROOT / 'node_modules' / '.bin' / 'cdk'
CDK_VERSION = json.loads((ROOT / 'node_modules' / 'aws-cdk' / 'package.json').read_text())['version']
SESSION = botocore.session.get_session()
PLACEHOLDER = re.compile(r'\$\{[^}]*\}')


@dataclasses.dataclass(frozen=True)
class Finding:
    file: str
    where: str  # the resource, "LogicalId (construct path)", or the line
    what: str
    fix: str

    def __str__(self):
        return f'{self.file}: {self.where}: {self.what}\n    fix: {self.fix}'


# -- CloudFormation values ---------------------------------------------------------------------------

def resolve(value):
    """The string a template value becomes, each intrinsic that is not a string function a placeholder."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        (function, argument), = value.items()
        if function == 'Fn::Join':
            return resolve(argument[0]).join(resolve(part) for part in argument[1])
        if function == 'Fn::Sub':  # its ${...} are placeholders already (${AWS::Region} as ${AWS.Region})
            return PLACEHOLDER.sub(lambda m: m[0].replace('::', '.'), argument if isinstance(argument, str) else argument[0])
        if function == 'Fn::Base64':
            return resolve(argument)
        if function == 'Ref':
            return '${%s}' % argument.replace('::', '.')
        if function == 'Fn::GetAtt':
            return '${%s}' % (argument if isinstance(argument, str) else '.'.join(map(resolve, argument)))
        return '${%s}' % function
    return str(value) if isinstance(value, (int, float)) else '${?}'


def strings(value):
    """Every string in a template value, string functions (Fn::Join, Fn::Sub, Fn::Base64) resolved."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ('Fn::Join', 'Fn::Sub', 'Fn::Base64'):
        yield resolve(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


# -- Service models (botocore) -----------------------------------------------------------------------

def scheduler_service_id(service_id):
    # "The service value in the universal target ARN must match the AWS SDK service identifier ...
    # for Amazon Cognito Identity Provider, use cognitoidentityprovider (not cognito-idp)": the
    # service's serviceId (sdkId), lowercased, without spaces (RDS -> rds, Auto Scaling -> autoscaling).
    # https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html
    return service_id.lower().replace(' ', '')


def js_client_package(service_id):
    # The AWS SDK for JavaScript v3 names each client package "@aws-sdk/client-" + the sdkId with
    # spaces as hyphens, lowercased (S3 Control -> client-s3-control), in its code generator:
    # https://github.com/aws/aws-sdk-js-v3/blob/main/codegen/sdk-codegen/build.gradle.kts
    return 'client-' + service_id.replace(' ', '-').lower()


@functools.cache
def service_model(name):
    return SESSION.get_service_model(name)


@functools.cache
def services_by(rule):
    """botocore's service names by an SDK's identifier of the service (the first, where two share one)."""
    names = {}
    for name in sorted(SESSION.get_available_services()):
        names.setdefault(rule(str(service_model(name).service_id)), name)
    return names


def pascal_case(name):
    """The AWS SDK for Java v2's name of a member, as its code generator makes it (CodegenNamingUtils):
    https://github.com/aws/aws-sdk-java-v2/blob/master/utils/src/main/java/software/amazon/awssdk/utils/internal/CodegenNamingUtils.java"""
    words = re.sub(r'[^A-Za-z0-9]+', ' ', name)
    words = re.sub(r'([^a-z]{2,})v([0-9]+)', r'\1 v\2 ', words)
    words = re.sub(r'([^A-Z]{2,})V([0-9]+)', r'\1 V\2 ', words)
    words = ' '.join(re.split(r'(?<=[a-z])(?=[A-Z](?:[a-zA-Z]|[0-9]))', words))
    words = re.sub(r'([A-Z]+)([A-Z][a-z])', r'\1 \2', words)
    words = re.sub(r'([0-9])([a-zA-Z])', r'\1 \2', words)
    words = re.sub(r' +', ' ', words).strip()
    return ''.join(word.capitalize() for word in words.split(' '))  # lowercased, first letter capital


def wire_name(name):
    """The AWS SDK for JavaScript v3's name of a member: the API's own (sdk_problems)."""
    return name


class Dynamic(str):
    """A value of JavaScript code that is not a literal: any type, known only when the code runs."""


# Each botocore shape type: the Python types json.loads gives for it, and what to give in JSON.
JSON_TYPES = {
    'structure': (dict, 'an object'), 'map': (dict, 'an object'), 'list': (list, 'an array'),
    'string': (str, 'a string'), 'blob': (str, 'a string (base64)'), 'boolean': (bool, 'true or false'),
    'integer': (int, 'an integer'), 'long': (int, 'an integer'), 'float': ((int, float), 'a number'),
    'double': ((int, float), 'a number'), 'timestamp': ((str, int, float), 'a date string or a number'),
}


def nearest(word, choices):
    by_case = {choice.lower(): choice for choice in choices}
    return by_case.get(word.lower()) or next(iter(difflib.get_close_matches(word, list(choices), n=1)), None)


def check_value(value, shape, key_of, at, reader):
    """Problems (at, what, fix) of a JSON value against a botocore shape; key_of(member) is the key
    that `reader` (who reads the JSON) takes for a member."""
    if isinstance(value, Dynamic) or shape.metadata.get('document'):
        return []
    kind = shape.type_name
    types, give = JSON_TYPES[kind]
    if not isinstance(value, types) or (isinstance(value, bool) and kind != 'boolean'):
        return [(at, f'{json.dumps(value)[:80]} where {shape.name} takes {give}', f'give {give}')]
    problems = []
    if kind == 'structure':
        members = {key_of(member): member for member in shape.members}
        for key, item in value.items():
            if key == '...':
                continue
            member = members.get(key)
            if member is None and key in shape.members:
                member = key
                problems.append((f'{at}.{key}', f'{key} is the API\'s name of the member; {reader} reads it as {key_of(key)}', f'write {key_of(key)}, not {key}'))
            elif member is None:
                near = nearest(key, members)
                problems.append((f'{at}.{key}', f'{shape.name} has no member {key}', f'write {near}, not {key}' if near else f'use one of {", ".join(members)}'))
                continue
            problems += check_value(item, shape.members[member], key_of, f'{at}.{key}', reader)
        if '...' not in value:
            for member in shape.required_members:
                if key_of(member) not in value and member not in value:
                    problems.append((at, f'the required member {key_of(member)} of {shape.name} is missing', f'add {key_of(member)}'))
    elif kind == 'list':
        for index, item in enumerate(value):
            problems += check_value(item, shape.member, key_of, f'{at}[{index}]', reader)
    elif kind == 'map':
        for key, item in value.items():
            problems += check_value(item, shape.value, key_of, f'{at}.{key}', reader)
    elif kind == 'string' and shape.enum and not isinstance(value, Dynamic) and not PLACEHOLDER.search(value) and value not in shape.enum:
        near = nearest(value, shape.enum)
        values = ', '.join(shape.enum)
        problems.append((at, f'{value!r} is not a value of {shape.name} ({values})', f'write {near!r}, not {value!r}' if near else f'use one of {values}'))
    return problems


def operation(service_name, name):
    """(the botocore operation of a service or None, the nearest operation name where there is none)."""
    model = service_model(service_name)
    if name in model.operation_names:
        return model.operation_model(name), None
    return None, nearest(name, model.operation_names)


# -- a. EventBridge Scheduler universal targets ------------------------------------------------------

UNIVERSAL_TARGET = re.compile(r'^arn:[^:]+:scheduler:::aws-sdk:(?P<service>[^:]+):(?P<action>[^:]+)$')
# "EventBridge Scheduler does not support read-only API actions ... that begin with the following
# list of prefixes": https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html
READ_ONLY_PREFIXES = (
    'get describe list poll receive search scan query select read lookup discover validate batchGet '
    'batchDescribe batchRead transactGet adminGet adminList testMigration retrieve testConnection '
    'translateDocument isAuthorized isAuthorizedWithToken invokeModel'
).split()
# Scheduler reads the input's keys as the AWS SDK for Java v2 names the members (pascal_case): aws-cdk-lib's
# Universal example passes DbClusterIdentifier to rds:stopDBCluster
# (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_scheduler_targets.Universal.html), as Step
# Functions' AWS SDK integrations, where "Parameters ... are expressed in PascalCase, even if the native
# service API is in camelCase" (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html).
SCHEDULER = 'EventBridge Scheduler (AWS SDK for Java v2 names, PascalCase)'


def check_schedule(target):
    """Problems (at, what, fix) of a schedule's target; None when it is not a universal target."""
    match = UNIVERSAL_TARGET.match(resolve(target['Arn']))
    if not match:
        return None
    service, action = match['service'], match['action']
    name = services_by(scheduler_service_id).get(service)
    if name is None:
        by_name = service in SESSION.get_available_services() and scheduler_service_id(str(service_model(service).service_id))
        near = by_name or nearest(service, services_by(scheduler_service_id))
        return [('Target.Arn', f'no AWS SDK service has the identifier {service}', f'write {near}, not {service}' if near else 'use the service\'s AWS SDK identifier')]
    # The action is the operation's name with its first letter lowercased (aws-cdk-lib: "Must be camelCase").
    problems = []
    if action[:1] != action[:1].lower():
        problems.append(('Target.Arn', f'the action {action} starts with a capital', f'write {action[:1].lower() + action[1:]}'))
    op, near = operation(name, action[:1].upper() + action[1:])
    if op is None:
        fix = f'write {near[:1].lower() + near[1:]}, not {action}' if near else f'see the {name} API reference'
        return problems + [('Target.Arn', f'{name} has no operation {action[:1].upper() + action[1:]}', fix)]
    prefix = next((p for p in READ_ONLY_PREFIXES if action.startswith(p)), None)
    if prefix:
        problems.append(('Target.Arn', f'{action} begins with {prefix}: EventBridge Scheduler does not call read-only actions',
                         'call it another way (a Lambda function, Step Functions)'))
    text = resolve(target.get('Input', '{}'))
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return problems + [('Target.Input', f'is not JSON once intrinsics are placeholder strings ({error}): {text[:120]}', 'give JSON with each intrinsic inside a string')]
    if op.input_shape is None:
        return problems + ([('Target.Input', f'{op.name} takes no input', 'leave Input out')] if value else [])
    return problems + check_value(value, op.input_shape, pascal_case, 'Target.Input', SCHEDULER)


# -- b. and d. Shell: `aws` and `cdk` calls ----------------------------------------------------------

COMMAND_START = r'(?<![^\s;|&({`])'
AWS_CALL = re.compile(COMMAND_START + r'aws(?=[ \t]+\S)')
# `cdk ...`, `npx cdk ...`, `npx --yes aws-cdk@2.1148.1 ...`
CDK_CALL = re.compile(COMMAND_START + r'(?:npx[ \t]+(?:(?:--yes|-y)[ \t]+)?(?:aws-)?cdk(?:@\S+)?|cdk)(?=[ \t]+\S)')
CDK_INSTALL = re.compile(r'aws-cdk@(?P<version>[0-9][\w.+-]*)')
BOUNDARY = set(';&|()<>')


def words_after(text, end):
    """The words of the command that goes on at `end`, up to an operator or the end of the line; None
    where shlex cannot read them."""
    lexer = shlex.shlex(text[end:].replace('\\\n', ' ').split('\n', 1)[0], posix=True, punctuation_chars=''.join(BOUNDARY))
    lexer.whitespace_split = True
    lexer.commenters = ''
    words = []
    try:
        for token in lexer:
            if set(token) <= BOUNDARY:
                break
            words.append(token)
    except ValueError:
        return None
    return words


def shell_calls(text, with_cdk):
    """(program, words or None, snippet) of each `aws` (and `cdk`) call in shell text."""
    patterns = [('aws', AWS_CALL)] + ([('cdk', CDK_CALL)] if with_cdk else [])
    for program, pattern in patterns:
        for match in pattern.finditer(text):
            snippet = text[match.start():].split('\n', 1)[0][:160]
            yield program, words_after(text, match.end()), snippet


def aws_cli_problems(calls):
    """aws_cli.py's problems of each word list, in order (one process for all of them)."""
    if not calls:
        return []
    result = subprocess.run([sys.executable, str(HERE / 'aws_cli.py')], input=json.dumps(calls), capture_output=True, text=True, check=True)
    return [[(p['what'], p['fix']) for p in problems] for problems in json.loads(result.stdout)]


@dataclasses.dataclass
class CdkHelp:
    options: dict  # '--name' and '-n' -> {'type', 'choices', 'deprecated'}
    commands: dict  # command or alias -> command


@functools.cache
def cdk_help(command=None):
    """The options (and, at the top, the commands) the pinned CDK CLI prints for `cdk [command] --help`."""
    with tempfile.TemporaryDirectory() as empty:
        text = subprocess.run([str(CDK), *([command] if command else []), '--help'], cwd=empty, capture_output=True, text=True, check=True,
                              env={**os.environ, 'CDK_DISABLE_CLI_TELEMETRY': 'true'}).stdout
    options, commands = {}, {}
    blocks = re.split(r'\n(?=  \S)', text)
    for block in blocks:
        flat = ' '.join(block.split())
        if match := re.match(r'(-{1,2}[\w-]+(?:, -{1,2}[\w-]+)*)(?: |$)', flat):
            kind = re.search(r'\[(string|boolean|array|number|count)\]', flat)
            choices = re.search(r'\[choices: ([^\]]*)\]', flat)
            deprecated = re.search(r'\[deprecated: ([^\]]*)\]', flat)
            option = {'type': kind[1] if kind else 'boolean', 'choices': choices and json.loads(f'[{choices[1]}]'), 'deprecated': deprecated and deprecated[1]}
            for name in match[1].split(', '):
                options[name] = option
        elif match := re.match(r'cdk ([\w-]+)', flat):
            commands[match[1]] = match[1]
            if aliases := re.search(r'\[aliases: ([^\]]*)\]', flat):
                commands.update({alias: match[1] for alias in aliases[1].split(', ')})
    return CdkHelp(options, commands)


def cdk_problems(words):
    """Problems (what, fix) of the words after `cdk`: the command, then each option, as the pinned CLI's help has them."""
    top = cdk_help()
    problems, command, i = [], None, 0
    while i < len(words):
        word = words[i]
        name, has_value = word.split('=', 1)[0], '=' in word
        if command is None and not word.startswith('-'):
            command = top.commands.get(word)
            if command is None:
                near = nearest(word, top.commands)
                return problems + [(f'`cdk {word}`: the CDK CLI has no such command', f'write {near}, not {word}' if near else 'see `cdk --help`')]
            i += 1
            continue
        i += 1
        if not word.startswith('-') or word == '-':
            continue
        options = (cdk_help(command) if command else top).options
        option = options.get(name) or (name.startswith('--no-') and options.get('--' + name[5:]))
        if not option:
            spelled = [o for o in options if o.startswith('--')]
            near = nearest(name, spelled + ['--no-' + o[2:] for o in spelled if options[o]['type'] == 'boolean'])
            problems.append((f'`cdk {command or ""}` option {name} does not exist in aws-cdk {CDK_VERSION} (the CLI ignores an unknown option)',
                             f'write {near}, not {name}' if near else f'see `cdk {command or ""} --help`'))
            continue
        if option['deprecated']:
            problems.append((f'`cdk {command or ""}` option {name} is deprecated in aws-cdk {CDK_VERSION}', option['deprecated']))
        if option['type'] in ('string', 'number', 'array') and not has_value and i < len(words):
            value, i = words[i], i + 1
        else:
            value = word.split('=', 1)[1] if has_value else None
        if option['choices'] and value is not None and '$' not in value and value not in option['choices']:
            problems.append((f'`cdk {command or ""}` option {name} {value}: not one of {", ".join(option["choices"])}', f'write one of {", ".join(option["choices"])}'))
    return problems


# -- c. AWS SDK for JavaScript v3 --------------------------------------------------------------------

def extract_js(sources):
    """extract.js's reading of each {'name', 'code'}: its SDK calls, aws calls and calls it cannot read."""
    if not sources:
        return []
    result = subprocess.run(['node', str(HERE / 'extract.js')], input=json.dumps(sources), capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(result.stdout, object_hook=lambda d: Dynamic(d['$dynamic']) if d.keys() == {'$dynamic'} else d)


def sdk_problems(call):
    """Problems (at, what, fix) of a `new <Op>Command({...})`: the JavaScript SDK v3 takes the members by
    the API's own names (EnableCommand({ resourceTypes }) for Inspector2's Enable:
    https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/client/inspector2/command/EnableCommand/)."""
    package = call['package'].removeprefix('@aws-sdk/')
    name = services_by(js_client_package).get(package)
    if name is None:
        near = nearest(package, services_by(js_client_package))
        return [(call['package'], f'no AWS service has the client package {call["package"]}', f'write @aws-sdk/{near}' if near else 'see the AWS SDK for JavaScript v3 reference')]
    op, near = operation(name, call['command'].removesuffix('Command'))
    if op is None:
        return [(call['package'], f'{name} has no operation {call["command"].removesuffix("Command")}',
                 f'write {near}Command, not {call["command"]}' if near else f'see the {name} API reference')]
    if op.input_shape is None:
        return []
    return check_value(call['input'], op.input_shape, wire_name, 'input', 'the AWS SDK for JavaScript v3 (the API\'s names)')


# -- Putting it together -----------------------------------------------------------------------------

class Check:
    """One run: the sources are read in (template, runbook, script), then `findings()` checks their calls.
    counts[file] counts the calls checked in each file, by kind."""

    def __init__(self):
        self.problems = []  # Finding
        self.counts = collections.defaultdict(collections.Counter)
        self.shell = []  # (file, where, text, with cdk calls)
        self.js = []  # (file, where (a resource) or None, code)

    def template(self, template_file):
        file = str(template_file)
        template = json.loads(template_file.read_text())
        for logical_id, resource in template.get('Resources', {}).items():
            where = f'{logical_id} ({resource.get("Metadata", {}).get("aws:cdk:path", "no aws:cdk:path")})'
            kind, properties = resource.get('Type'), resource.get('Properties', {})
            if kind == 'AWS::Scheduler::Schedule' and (problems := check_schedule(properties['Target'])) is not None:
                self.counts[file]['Scheduler universal targets'] += 1
                self.problems += [Finding(file, where, f'{at}: {what}', fix) for at, what, fix in problems]
            if kind == 'AWS::CodeBuild::Project' and 'BuildSpec' in properties.get('Source', {}):
                self.buildspec(file, where, resolve(properties['Source']['BuildSpec']))
                properties = {k: v for k, v in properties.items() if k != 'Source'}
            if kind == 'AWS::Lambda::Function' and 'ZipFile' in properties.get('Code', {}):
                self.js.append((file, where, resolve(properties['Code']['ZipFile'])))
            # Any other string may hold shell: user data, documents, descriptions.
            self.shell += [(file, where, text, False) for text in strings(properties)]
        for name, output in template.get('Outputs', {}).items():
            self.shell += [(file, f'output {name}', text, False) for text in strings(output)]

    def buildspec(self, file, where, text):
        try:
            spec = yaml.safe_load(text)
            phases = spec.get('phases', {}).values()
        except (yaml.YAMLError, AttributeError) as error:
            self.problems.append(Finding(file, where, f'the BuildSpec is neither JSON nor YAML with phases: {error}', 'give a buildspec CodeBuild can read'))
            return
        for version in {m['version'] for m in CDK_INSTALL.finditer(text)} - {CDK_VERSION}:
            self.problems.append(Finding(file, where, f'the job runs aws-cdk@{version}; its cdk flags were checked against the CLI of the lock, {CDK_VERSION}',
                                         f'install aws-cdk@{CDK_VERSION}, or check against {version}'))
        for phase in phases:
            commands = (phase.get('commands') or []) + (phase.get('finally') or [])
            self.shell += [(file, where, command, True) for command in commands if isinstance(command, str)]

    def runbook(self, md_file):
        for number, line in enumerate(md_file.read_text().splitlines(), 1):
            self.shell += [(str(md_file), f'line {number}', span, True) for span in re.findall(r'`([^`\n]+)`', line)]

    def script(self, js_file):
        self.js.append((str(js_file), None, js_file.read_text()))

    def shell_script(self, sh_file):
        """A bash file of the jobs' functions: every aws and cdk call in it, by the line it starts on (a
        line continued with a backslash read with the next; comment lines left out)."""
        start, logical = 1, ''
        for number, line in enumerate(sh_file.read_text().split('\n'), 1):
            if not logical:
                if line.lstrip().startswith('#'):
                    continue
                start = number
            logical += line
            if line.endswith('\\'):
                logical = logical[:-1] + ' '
                continue
            self.shell.append((str(sh_file), f'line {start}', logical, True))
            logical = ''

    def findings(self):
        aws_calls = []  # (file, where, words)
        for file, where, text, with_cdk in self.shell:
            for program, words, snippet in shell_calls(text, with_cdk):
                self.counts[file][f'{program} calls'] += 1
                if words is None:
                    self.problems.append(Finding(file, where, f'cannot read this {program} call: {snippet}',
                                                 'write it plainly (quotes closed on its line), or teach check.py to read it'))
                elif program == 'aws':
                    aws_calls.append((file, where, words))
                else:
                    self.problems += [Finding(file, where, f'{what}: {snippet}', fix) for what, fix in cdk_problems(words)]

        for (file, where, _), read in zip(self.js, extract_js([{'name': f, 'code': c} for f, _, c in self.js])):
            def at(line):
                return f'{where}, line {line} of its code' if where else f'line {line}'
            for call in read['sdk']:
                self.counts[file]['SDK v3 commands'] += 1
                self.problems += [Finding(file, at(call['line']), f'{call["command"]}: {path}: {what}', fix) for path, what, fix in sdk_problems(call)]
            for call in read['aws']:
                self.counts[file]['aws calls'] += 1
                aws_calls.append((file, at(call['line']), call['words']))
            for call in read['unread']:
                self.problems.append(Finding(file, at(call['line']), f'cannot read this call: {call["what"]}', 'pass literal arguments, or teach extract.js to read it'))

        for (file, where, words), problems in zip(aws_calls, aws_cli_problems([w for _, _, w in aws_calls])):
            self.problems += [Finding(file, where, f'{what}: aws {" ".join(words)}'[:400], fix) for what, fix in problems]
        return self.problems


def check(assembly, paths=()):
    """(findings, counts) of a cloud assembly's templates and runbooks, and of the .js, .sh and .md
    files (or the .js and .sh files in the directories) given."""
    run = Check()
    for template_file in sorted(Path(assembly).rglob('*.template.json')):
        run.template(template_file)
    for md_file in sorted(Path(assembly).rglob('*.md')) + [Path(p) for p in paths if p.endswith('.md')]:
        run.runbook(md_file)
    for path in map(Path, paths):
        for js_file in sorted(path.rglob('*.js')) if path.is_dir() else [path] if path.suffix == '.js' else []:
            run.script(js_file)
        for sh_file in sorted(path.rglob('*.sh')) if path.is_dir() else [path] if path.suffix == '.sh' else []:
            run.shell_script(sh_file)
    return run.findings(), run.counts


def main(argv):
    if not argv:
        sys.exit(__doc__.split('\n\n')[1])
    findings, counts = check(argv[0], argv[1:])
    print(f'against botocore {botocore.__version__} (service models), awscli {importlib.metadata.version("awscli")} (command tables), aws-cdk {CDK_VERSION} (cdk --help)')
    for file, counter in sorted(counts.items()):
        print(f'{file}: ' + ', '.join(f'{n} {kind}' for kind, n in sorted(counter.items())))
    total = collections.Counter()
    for counter in counts.values():
        total.update(counter)
    print('checked: ' + ', '.join(f'{n} {kind}' for kind, n in sorted(total.items())))
    for finding in findings:
        print(f'FINDING {finding}')
    print(f'{len(findings)} finding(s)')
    return 1 if findings else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
