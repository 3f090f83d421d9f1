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
                assess) COMPREPLY=($(compgen -W "json ndjson table" -- "$cur")) ;;
                claims|search|stats) COMPREPLY=($(compgen -W "table json ndjson csv" -- "$cur")) ;;
                *) COMPREPLY=($(compgen -W "json ndjson table csv" -- "$cur")) ;;
            esac
            return ;;
        --by) COMPREPLY=($(compgen -W "month year category org_kind vector actor data_class authority" -- "$cur")); return ;;
        --category) COMPREPLY=($(compgen -W "ransomware unauthorized_access account_compromise malware phishing card_skimming ddos insider_misuse misdelivery misconfiguration loss_theft leak_claim other" -- "$cur")); return ;;
        --org-kind) COMPREPLY=($(compgen -W "company medical local_gov national_gov education nonprofit other" -- "$cur")); return ;;
        --data-class) COMPREPLY=($(compgen -W "name address phone email birth_date gender password login_id credit_card bank_account employer medical my_number customer_id other" -- "$cur")); return ;;
        --authority) COMPREPLY=($(compgen -W "ppc police ministry ipa jpcert foreign local_gov" -- "$cur")); return ;;
        --db|--lexicon|--out|-o|--token-file|--orgs|--claims) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --jobs|-j|--limit|-n|--offset|--max-size|--max-body|--since|--until|--listen|--actor|--threads|--title|--group|--date|--source|--window|--min-score) return ;;
        --type) COMPREPLY=($(compgen -W "auto ransomwatch list ndjson" -- "$cur")); return ;;
    esac
    local opts="--help"
    case $cmd in
        extract) opts="--format --help --jobs --lexicon --max-size --no-evidence --single" ;;
        text) opts="--help --max-size" ;;
        assess) opts="--all --conservative --db --format --help --max-size --single" ;;
        ingest) opts="--db --help --lexicon --max-size --no-fetch --quiet" ;;
        search) opts="--actor --authority --category --data-class --db --format --help --limit --offset --org-kind --since --until" ;;
        show) opts="--db --help --json" ;;
        stats) opts="--actor --authority --by --category --data-class --db --format --help --notices --org-kind --since --timing --until" ;;
        export) opts="--actor --authority --category --data-class --db --format --help --org-kind --pretty --since --until" ;;
        reindex) opts="--db --help --lexicon" ;;
        serve) opts="--db --help --listen --max-body --quiet --threads --token-file" ;;
        report) opts="--actor --authority --category --data-class --db --help --org-kind --out --since --title --until" ;;
        claims) opts="import link list report --all-notices --claims --date --db --format --from-casebook --group --help --japan --min-score --no-casebook --orgs --since --source --type --until --window --with-casebook" ;;
        help) COMPREPLY=($(compgen -W "$commands" -- "$cur")); return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -F _jikenbo jikenbo
