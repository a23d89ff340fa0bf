# fish completion for nucleus-oci: commands, flags and container IDs.
# The commands and flags are read from the binary's own help, so they always
# match the installed version; the IDs come from `nucleus-oci list -q`.

# The command line's words before the cursor.
function __nucleus_oci_words
    commandline -opc
end

# The flags of the help text on stdin, long and short forms; a flag taking a
# value ends with "=".
function __nucleus_oci_parse_flags
    sed -n -e 's/^ *\(-[a-zA-Z]\), \(--[a-z-]*\) [A-Z].*/\1=\n\2=/p' \
        -e 's/^ *\(-[a-zA-Z]\), \(--[a-z-]*\)  .*/\1\n\2/p' \
        -e 's/^ *\(--[a-z-]*\) [A-Z].*/\1=/p' \
        -e 's/^ *\(--[a-z-]*\)  .*/\1/p'
end

# Print "COMMAND ROOT NPOS PREV_TAKES_VALUE PREV" for the line so far; COMMAND
# is "-" before the command, ROOT "-" when --root is not given.
function __nucleus_oci_state
    set -l words (__nucleus_oci_words)
    set -l bin $words[1]
    set -l gflags ($bin --help 2>/dev/null | __nucleus_oci_parse_flags)
    set -l cmd -
    set -l root -
    set -l npos 0
    set -l i 2
    set -l flags $gflags
    while test $i -le (count $words)
        set -l w $words[$i]
        if test $cmd = -
            if test "$w" = --root; and test $i -lt (count $words)
                set root $words[(math $i + 1)]
            else if string match -q -- '--root=*' $w
                set root (string replace -- '--root=' '' $w)
            end
            if contains -- "$w=" $gflags
                set i (math $i + 1)
            else if not string match -q -- '-*' $w
                set cmd $w
                set flags ($bin help $cmd 2>/dev/null | __nucleus_oci_parse_flags)
            end
        else if contains -- "$w=" $flags
            set i (math $i + 1)
        else if not string match -q -- '-*' $w
            set npos (math $npos + 1)
        end
        set i (math $i + 1)
    end
    set -l prev_value 0
    if test (count $words) -ge 2; and contains -- "$words[-1]=" $flags
        set prev_value 1
    end
    echo $cmd $root $npos $prev_value $words[-1]
end

function __nucleus_oci_commands
    set -l bin (__nucleus_oci_words)[1]
    $bin help 2>/dev/null | sed -n '/^Commands:/,/^$/s/^  \([a-z]\{1,\}\) *\(.*\)/\1\t\2/p'
end

function __nucleus_oci_flags
    set -l s (string split ' ' -- (__nucleus_oci_state))
    set -l bin (__nucleus_oci_words)[1]
    test $s[4] = 1; and return
    if test $s[1] = -
        $bin --help 2>/dev/null | __nucleus_oci_parse_flags | string replace -r '=$' ''
    else
        $bin help $s[1] 2>/dev/null | __nucleus_oci_parse_flags | string replace -r '=$' ''
    end
end

# Positional arguments: commands, container IDs, signals, values of flags.
function __nucleus_oci_args
    set -l s (string split ' ' -- (__nucleus_oci_state))
    set -l bin (__nucleus_oci_words)[1]
    if test $s[4] = 1
        switch $s[5]
            case --log-format
                printf '%s\n' text json
            case --format -f
                printf '%s\n' table json
            case --rootless
                printf '%s\n' true false auto
            case '*'
                __fish_complete_path (commandline -ct)
        end
        return
    end
    if test $s[1] = -
        __nucleus_oci_commands
        return
    end
    switch $s[1]
        case help
            test $s[3] = 0; and __nucleus_oci_commands
        case list features
        case spec
            __fish_complete_path (commandline -ct)
        case '*'
            if test $s[3] = 0
                if test $s[2] = -
                    $bin list -q 2>/dev/null
                else
                    $bin --root $s[2] list -q 2>/dev/null
                end
            else if test $s[1] = kill; and test $s[3] = 1
                kill -l | string split ' ' | string match -r '^[A-Z0-9+-]+$'
            else
                __fish_complete_path (commandline -ct)
            end
    end
end

complete -c nucleus-oci -e
complete -c nucleus-oci -f -a '(__nucleus_oci_args)'
complete -c nucleus-oci -f -n 'string match -q -- "-*" (commandline -ct)' -a '(__nucleus_oci_flags)'
