# bash completion for taskfs: its commands and their flags, and for the paths
# of `taskfs run`, `why`, `rm`, `log` and `cancel` (and the TASK of `taskfs ls`)
# the project's task names, then `default`, param names (`maxiter:`) and
# upstream tasks (`train=`).
#
# Commands and flags are read from `taskfs --help` and `taskfs COMMAND --help`,
# and tasks from `taskfs ls`, so the completion follows the program and the
# project's catalog without a list of its own. Installed as
# /usr/share/bash-completion/completions/taskfs; or source this file.

# Prints `taskfs ls` for the project, passing on the --tasks and --store the
# command line names.
_taskfs_catalog() {
  local i args=()
  for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
    case ${COMP_WORDS[i]} in
      --tasks | --store) args+=("${COMP_WORDS[i]}" "${COMP_WORDS[i + 1]}") ;;
    esac
  done
  "${COMP_WORDS[0]}" ls "${args[@]}" 2>/dev/null
}

# The completions of one path TASK[/VARIANT], given the catalog on stdin, one a
# line: task names with a `/`, then in the variant `default`, the current
# group's params with a `:` and the file's upstream tasks with a `=`.
_taskfs_path_candidates() {
  awk -v word="$1" '
    /^[^ ]/ { task = $1; tasks[task] = 1; next }
    /^  inputs:/ { for (i = 2; i <= NF; i++) inputs[task] = inputs[task] " " $i; next }
    /^  param / { name = $2; sub(/:$/, "", name); params[task] = params[task] " " name }
    function upstream(t,    n, parts, i) {   # marks every task above t
      n = split(inputs[t], parts, " ")
      for (i = 1; i <= n; i++) if (!(parts[i] in above)) { above[parts[i]] = 1; upstream(parts[i]) }
    }
    END {
      slash = index(word, "/")
      if (slash == 0) { for (t in tasks) print t "/"; exit }
      file_task = substr(word, 1, slash - 1)
      if (!(file_task in tasks)) exit
      variant = substr(word, slash + 1)
      upstream(file_task)
      # The group a new override falls in: the file task, or the last "task=".
      group = file_task
      n = split(variant, overrides, ",")
      for (i = 1; i < n; i++) {
        if (eq = index(overrides[i], "=")) group = substr(overrides[i], 1, eq - 1)
      }
      last = n ? overrides[n] : ""
      if (eq = index(last, "=")) {
        group = substr(last, 1, eq - 1)
        last = substr(last, eq + 1)
      }
      if (index(last, ":")) exit   # a value: nothing to offer
      head = substr(word, 1, length(word) - length(last))
      if (variant !~ /[,=]/) print head "default"
      np = split(params[group], names, " ")
      for (i = 1; i <= np; i++) print head names[i] ":"
      if (head !~ /=$/) for (t in above) print head t "="
    }'
}

_taskfs() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  # The whole word under the cursor: bash splits it at `=` and `:`
  # (COMP_WORDBREAKS), which the path grammar uses.
  local line=${COMP_LINE:0:COMP_POINT}
  local word=${line##*[[:space:]]}
  local prefix=${word%"$cur"}
  [[ $cur == [=:] ]] && prefix=${word%?}
  COMPREPLY=()

  local command i
  for ((i = 1; i < COMP_CWORD; i++)); do
    [[ ${COMP_WORDS[i]} != -* ]] && command=${COMP_WORDS[i]} && break
  done
  if [[ -z $command ]]; then
    local commands
    commands=$("${COMP_WORDS[0]}" --help 2>/dev/null | awk '/^  [a-z]/ { print $1 }')
    mapfile -t COMPREPLY < <(compgen -W "$commands --help" -- "$cur")
    return
  fi
  case ${COMP_WORDS[COMP_CWORD - 1]} in
    --tasks)
      mapfile -t COMPREPLY < <(compgen -f -X '!*.so' -- "$cur")
      compopt -o plusdirs
      return
      ;;
    --store) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
    -j | --jobs | --remote | --max-size | --store-max-size | --log-max-size | --task-log-max-size | --task-timeout) return ;;
  esac
  if [[ $word == -* ]]; then
    local flags
    flags=$("${COMP_WORDS[0]}" "$command" --help 2>/dev/null |
      grep -oE -- '--?[a-z][a-z-]*' | sort -u)
    mapfile -t COMPREPLY < <(compgen -W "$flags" -- "$cur")
    return
  fi
  case $command in
    run | why | rm | log | cancel)
      local candidates
      candidates=$(_taskfs_catalog | _taskfs_path_candidates "$word" | sort)
      mapfile -t COMPREPLY < <(compgen -W "$candidates" -- "$word")
      COMPREPLY=("${COMPREPLY[@]#"$prefix"}")
      # A task/, a param: or a task= is never the end of a path.
      [[ ${COMPREPLY[0]:-} == *[/:=] ]] && compopt -o nospace
      ;;
    ls)
      local tasks
      tasks=$(_taskfs_catalog | awk '/^[^ ]/ { print $1 }')
      mapfile -t COMPREPLY < <(compgen -W "$tasks" -- "$cur")
      ;;
    mount | unmount) mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
  esac
}
complete -F _taskfs taskfs
