# bash completion for jikenbo: subcommands, their options, and files.
# Installed to share/bash-completion/completions/jikenbo by `make install`.

_jikenbo()
{
    local cur prev words cword
    _init_completion 2>/dev/null || {
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    }
    local commands="extract text assess ingest search show stats export reindex serve report claims help"
    if [ "$cword" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi
    local cmd=${words[1]}
    case $prev in
        --format|-f)
            case $cmd in
                export) COMPREPLY=($(compgen -W "ndjson json csv stix misp" -- "$cur")) ;;
                *) COMPREPLY=($(compgen -W "json ndjson table csv" -- "$cur")) ;;
            esac
            return ;;
        --by) COMPREPLY=($(compgen -W "month year category org_kind vector actor data_class authority" -- "$cur")); return ;;
        --category) COMPREPLY=($(compgen -W "ransomware unauthorized_access account_compromise malware phishing card_skimming ddos insider_misuse misdelivery misconfiguration loss_theft leak_claim other" -- "$cur")); return ;;
        --org-kind) COMPREPLY=($(compgen -W "company medical local_gov national_gov education nonprofit other" -- "$cur")); return ;;
        --data-class) COMPREPLY=($(compgen -W "name address phone email birth_date gender password login_id credit_card bank_account employer medical my_number customer_id other" -- "$cur")); return ;;
        --authority) COMPREPLY=($(compgen -W "ppc police ministry ipa jpcert foreign local_gov" -- "$cur")); return ;;
        --db|--lexicon|--out|--token-file|--orgs) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --jobs|-j|--limit|--max-size|--since|--until|--listen|--actor|--threads) return ;;
    esac
    local opts="--help"
    case $cmd in
        extract) opts="--format --lexicon --single --no-evidence --jobs --max-size --help" ;;
        text) opts="--max-size --help" ;;
        assess) opts="--format --single --conservative --all --db --help" ;;
        ingest) opts="--db --max-size --lexicon --help" ;;
        search) opts="--db --category --org-kind --data-class --actor --authority --since --until --format --limit --help" ;;
        show) opts="--db --help" ;;
        stats) opts="--db --by --timing --notices --since --until --format --help" ;;
        export) opts="--db --format --category --org-kind --data-class --actor --authority --since --until --help" ;;
        reindex) opts="--db --help" ;;
        serve) opts="--db --listen --token-file --threads --help" ;;
        report) opts="--db --since --until --out --help" ;;
        claims) opts="import report --db --orgs --format --help" ;;
        help) COMPREPLY=($(compgen -W "$commands" -- "$cur")); return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -F _jikenbo jikenbo
