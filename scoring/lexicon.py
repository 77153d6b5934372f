"""Vocabulary the detectors match, as data (see ``scoring.matcher`` for the pattern syntax).

Each list is keyed by a label; detectors in ``scoring.elements`` add the context rules
(generic users, business goals posing as problems, non-ML "models", deferrals).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_ES = re.compile(r"(s|x|z|ch|sh)$")
_IES = re.compile(r"[^aeiou]y$")


def plural(noun: str) -> str:
    """English plural of the last word of ``noun`` (good enough for role nouns)."""
    head, _, last = noun.rpartition(" ")
    if last.endswith("man") and not last.endswith("human"):
        last = last[:-3] + "men"
    elif last == "person":
        last = "people"
    elif last == "child":
        last = "children"
    elif _IES.search(last):
        last = last[:-1] + "ies"
    elif _ES.search(last):
        last += "es"
    elif last not in {"staff", "personnel", "clergy", "faculty", "police", "crew"}:
        last += "s"
    return f"{head} {last}".strip()


def with_plurals(nouns: Iterable[str]) -> list[str]:
    out: list[str] = []
    for noun in nouns:
        out.extend((noun, plural(noun)))
    return out


# People who are plausibly the TARGET user of a product: naming one is naming a segment.
EXTERNAL_ROLES = """
nurse doctor physician clinician surgeon pharmacist therapist caregiver carer patient dentist
radiologist paramedic midwife dietitian nutritionist veterinarian vet psychologist counselor
counsellor teacher tutor student learner pupil professor educator lecturer principal
parent mom mum dad mother father grandparent retiree pensioner teenager teen child kid toddler
homeowner renter tenant landlord homebuyer buyer seller shopper merchant vendor retailer
driver courier rider passenger commuter traveler traveller tourist flyer
farmer grower rancher fisherman
lawyer attorney paralegal accountant bookkeeper auditor notary
recruiter interviewer candidate applicant jobseeker employee worker
freelancer contractor consultant creator influencer streamer youtuber podcaster
writer author journalist editor reporter blogger artist musician photographer videographer
designer illustrator architect engineer developer programmer coder
salesperson salesman saleswoman sdr bdr marketer
advisor adviser planner broker underwriter adjuster banker trader investor
analyst scientist researcher
cashier clerk receptionist dispatcher technician mechanic electrician plumber installer
picker packer foreman supervisor inspector
chef cook waiter waitress barista bartender restaurateur
pilot
officer firefighter soldier veteran caseworker volunteer donor fundraiser
organizer organiser coach trainer athlete player gamer viewer listener reader
founder entrepreneur solopreneur shopkeeper storekeeper franchisee
citizen resident voter immigrant refugee
sysadmin moderator
manager director executive cfo cto ceo cio ciso vp
owner operator homeschooler
practitioner
diabetic smoker dieter runner cyclist hiker
""".split()

MULTIWORD_ROLES = [
    "small business owner", "business owner", "shop owner", "store owner", "restaurant owner",
    "pet owner", "home owner", "property manager", "office manager", "store manager",
    "operations manager", "ops manager", "support agent", "customer support agent",
    "customer service rep", "customer service agent", "call center agent", "contact center agent",
    "support rep", "service rep", "sales manager", "product manager", "project manager",
    "engineering manager", "team lead", "team leader", "store associate", "field technician",
    "field worker", "frontline worker", "shift worker", "warehouse worker", "delivery driver",
    "truck driver", "fleet manager", "hr manager", "hr business partner", "hr generalist",
    "claims adjuster", "loan officer", "financial advisor", "financial planner",
    "insurance agent", "real estate agent", "travel agent", "medical coder", "care coordinator",
    "case manager", "social worker", "data analyst", "data scientist", "software engineer",
    "ml engineer", "site reliability engineer", "college student",
    "high school student", "grad student", "graduate student", "medical student",
    "new hire", "new parent", "first time parent", "working parent", "single parent",
    "stay at home parent", "older adult", "elderly", "gen z", "millennial", "baby boomer",
    "knowledge worker", "remote worker", "hourly worker", "blue collar worker",
    "non native speaker", "english learner", "language learner", "power user",
    "compliance officer", "procurement manager", "hiring manager", "job seeker", "gig worker",
    "sales rep", "account executive", "account manager", "claims handler", "warehouse associate",
    "flight attendant", "it admin", "nurse practitioner", "cabin crew", "finance team", "legal team", "sales team",
    "support team", "clinical staff", "nursing staff", "hospital staff", "school staff",
    "smb", "smbs", "sme", "smes", "mid market", "enterprise customer", "enterprise client",
    "b2b buyer", "it team", "security team", "devops engineer",
]

# Team roles inside the company building the product: they only count as a target user
# when the answer says the product is FOR them ("help our engineers", "developers who ...").
INTERNAL_ROLES = frozenset(
    "engineer engineers developer developers designer designers researcher researchers "
    "scientist scientists analyst analysts manager managers director directors executive "
    "executives admin admins administrator administrators operator operators owner owners "
    "team teams staff interviewer interviewers".split()
)

GENERIC_PEOPLE = with_plurals(
    "user customer client consumer person individual folk audience end user human member "
    "visitor account subscriber".split()
) + ["people", "everyone", "everybody", "anyone", "anybody", "the public", "the masses",
     "user base", "customer base", "userbase"]

# Words that do NOT make "users"/"customers" a segment ("our users", "target users").
GENERIC_QUALIFIERS = frozenset(
    """our the all existing potential target end many most some these those other more active
    current typical average general regular real actual individual different various such any
    every few several key main primary core ideal internal external happy unhappy frustrated
    loyal engaged possible future prospective everyday normal interested app product platform
    of for to and with a an my your their its new old lots lot plenty million millions
    thousand thousands hundred hundreds more less satisfied paying returning daily monthly
    weekly engaged casual heavy light good great best top likely certain specific particular
    demanding real-world""".split()
)

PAIN = [
    "struggle*", "strugglin*", "pain point*", "painful", "pain", "frustrat*", "annoy*",
    "tedious", "time consuming", "waste|wastes|wasted|wasting", "overwhelm*", "confus*",
    "hard to", "hard for", "difficult to", "difficult for", "difficulty", "trouble",
    "can't|cannot|cant|couldn't|unable", "not able to", "no way to", "no easy way",
    "lack|lacks|lacking", "miss|misses|missed|missing out", "forget|forgets|forgetting|forgot",
    "spend|spends|spending|spent # *", "spend|spends|spending|spent hours|minutes|days|weeks|time",
    "takes|take|took # *", "takes|take too long", "too long", "too slow", "slow to",
    "manual|manually", "error prone", "mistakes", "errors", "delay|delays|delayed",
    "bottleneck*", "blocked", "stuck", "churn because", "drop off", "drops off", "give up",
    "gives up", "abandon*", "worried", "worry", "worries", "anxious", "anxiety", "stress*",
    "afraid", "fear", "burnout", "burned out", "burnt out", "headache", "friction",
    "need|needs to", "need|needs a way", "need|needs help", "want|wants to", "wish|wishes",
    "job to be done", "jobs to be done", "jtbd", "so that they can", "so they can",
    "problem is", "problem they", "their problem", "the problem", "core problem",
    "underlying problem", "real problem", "key problem", "main problem", "biggest problem",
    "their pain", "underserved", "juggl*", "re type|retype|retyping|re typing", "chase|chasing",
    "dig|digging through", "sift|sifting through", "search|searching for hours",
    "inconsistent", "unreliable", "expensive", "costly", "can not", "risk of", "lose|loses|losing",
    "hate|hates", "dread*", "late", "bored", "boring", "lonely", "isolated", "unsure",
    "don't know", "dont know", "doesn't know", "not sure", "no visibility", "blind spot*",
    "scattered", "fragmented", "buried", "backlog", "overload*", "hassle", "complain*",
    "complaint*", "mistake", "behind on", "fall behind", "falls behind", "falling behind",
    "unmet need", "need is", "job is", "jobs are",
]

# Business goals that do not count as the USER's problem on their own.
BUSINESS_GOAL = [
    "revenue", "monetiz*", "monetis*", "profit*", "market share", "grow", "growth",
    "our engagement", "increase engagement", "boost engagement", "drive engagement",
    "our numbers", "our metrics", "kpis", "kpi", "shareholders", "investors", "the board",
    "leadership wants", "the company", "our company", "the business", "our business",
    "competitors", "competition", "stock price", "valuation", "arr", "upsell*", "sell more",
    "we need", "we want", "we have to", "our goal", "company goal", "business goal",
]

NAMED_METRIC = [
    "retention", "# day retention", "d1|d7|d30|d90 retention", "churn", "churn rate",
    "conversion", "conversion rate", "csat", "nps", "net promoter score", "dau", "mau", "wau",
    "dau mau", "ctr", "click through rate", "click through", "latency", "p50|p90|p95|p99",
    "p95 latency", "time to *", "time to first *", "time saved", "hours saved",
    "minutes saved", "time spent", "time on task", "handle time", "aht", "resolution time",
    "resolution rate", "first contact resolution", "deflection rate", "ticket deflection",
    "deflection", "adoption rate", "adoption", "activation rate", "activation",
    "completion rate", "task completion", "task success", "success rate", "acceptance rate",
    "accept rate", "edit rate", "error rate", "bounce rate", "open rate", "reply rate",
    "response rate", "response time", "win rate", "close rate", "renewal rate", "attach rate",
    "repeat purchase", "repeat rate", "return rate", "refund rate", "cancellation rate",
    "gmv", "arpu", "ltv", "cac", "aov", "average order value", "basket size", "revenue per *",
    "cost per *", "cost to serve", "#%", "# percent", "# %", "percentage of", "share of",
    "proportion of", "fraction of", "number of * per", "count of", "minutes per", "hours per",
    "weekly active", "daily active", "monthly active",
    "active users", "stickiness", "north star", "north star metric", "nps score", "csat score",
    "satisfaction score", "satisfaction rating", "star rating", "app rating", "ces",
    "customer effort score", "sus", "throughput", "uptime", "sla", "precision", "recall",
    "accuracy", "f1", "false positive rate", "false negative rate", "hallucination rate",
    "escalation rate", "reopen rate", "no show rate", "fill rate", "utilization", "occupancy",
    "readmission*", "wait time", "queue time", "cycle time", "lead time", "turnaround time",
    "time to hire", "time to resolution", "days to close", "sessions per", "messages per",
    "queries per", "searches per", "weekly retention", "monthly retention", "cohort retention",
    "signups", "sign ups", "sign up rate", "opt in rate", "opt out rate", "unsubscribe rate",
    "engagement rate", "rate of *", "time per *", "minutes|hours|seconds per *",
    "dwell time", "watch time", "streak*", "lift in", "uplift",
]

VAGUE_METRIC = [
    "engagement", "kpis", "kpi", "success metrics", "measure success", "track success",
    "metrics", "some metrics", "the metrics", "usage", "the numbers", "see if it works",
    "see how it goes", "how well it does", "performance", "satisfaction", "user happiness",
    "impact", "traction", "data driven", "analytics", "look at the data", "measure it",
    "track it", "tbd",
]

GUARDRAIL = [
    "guardrail*", "counter metric*", "countermetric*", "counter balancing", "countervailing",
    "health metric*", "while keeping", "without hurting", "without harming", "without increasing",
    "without reducing", "without dropping", "not drop", "doesn't drop", "does not drop",
    "not fall", "stays above", "stay above", "stays below", "stay below", "below #", "under #",
    "above #", "at most", "at least", "cap on", "complaint rate", "complaints", "opt out*",
    "unsubscribe*", "refund*", "error rate", "false positive*", "false negative*",
    "hallucination rate", "latency", "p95|p99", "cost per *", "inference cost", "safety",
    "over refusal", "refusal rate", "escalation rate", "reopen rate", "trade off against",
    "watch out for", "keep an eye on", "make sure * doesn't", "make sure * does not",
]

EVAL_CRITERIA = [
    "golden set", "golden dataset", "golden data set", "gold set", "gold standard",
    "eval set", "evaluation set", "test set", "holdout set", "held out set", "benchmark set",
    "rubric*", "human rating*", "human rater*", "human raters", "raters", "rater", "annotator*",
    "human eval*", "human review of * output*", "expert review*", "side by side",
    "blind test*", "blind comparison*", "hallucination rate|rates|threshold|thresholds|check|checks|eval|evals|benchmark", "groundedness", "grounded in", "faithfulness",
    "factual accuracy", "factually correct", "factually accurate", "fact check*",
    "accuracy threshold", "precision", "recall", "f1", "bleu", "rouge", "offline eval*",
    "online eval*", "offline metric*", "online metric*", "evaluation criteria", "eval criteria",
    "evaluate the output*", "evaluate output*", "evaluate the model", "evaluate the response*",
    "evaluate the summar*", "evaluate the answer*", "evaluat* quality", "quality of the output*",
    "quality of the answer*", "quality of the response*", "quality of the summar*",
    "quality of the recommendation*", "quality of the draft*", "quality of the suggestion*",
    "output quality", "answer quality", "response quality", "summary quality", "draft quality",
    "good output", "good answer", "good response", "good summary", "good summaries",
    "good recommendation*", "good draft*", "good suggestion*", "a good * looks like",
    "what good looks like", "what a good", "looks like a good", "labeled examples",
    "labelled examples", "labeled data", "labelled data", "hand labeled", "hand labelled",
    "thumbs up", "thumbs down", "acceptance rate", "accept rate", "edit distance",
    "edit rate", "red team*", "llm as a judge", "llm as judge", "model graded", "auto eval*",
    "evals", "eval suite", "eval harness", "regression test*", "ship gate", "launch gate",
    "quality bar", "quality threshold", "error analysis", "spot check*", "sample of outputs",
    "review * outputs", "rate the output*", "rate the response*", "rate the answer*",
    "rate the summar*", "relevance", "coherence", "correctness", "toxicity",
    "accuracy of the", "accuracy on", "% accurate", "percent accurate", "false positive rate",
    "false negative rate", "precision at", "ndcg", "mrr", "win rate",
]

TECH = [
    "llm", "llms", "large language model*", "language model*", "gpt|gpt4|gpt4o|gpt3|gpt5", "chatgpt", "claude",
    "gemini", "llama", "mistral", "bert", "transformer*", "cnn", "cnns", "rnn", "rnns",
    "lstm*", "neural net*", "deep learning", "fine tune", "fine tuned", "fine tuning",
    "fine tunes", "finetun*", "rag", "retrieval augmented", "retrieval augmented generation",
    "embedding*", "vector database*", "vector db*", "vector store*", "vector search",
    "vectordb", "pinecone", "faiss", "weaviate", "semantic search", "collaborative filtering",
    "matrix factorization", "reinforcement learning", "rlhf", "xgboost", "lightgbm",
    "random forest*", "logistic regression", "linear regression", "gradient boost*",
    "decision tree*", "classifier*", "clustering", "k means", "kmeans", "nlp model*",
    "ml model*", "machine learning model*", "ai model*", "foundation model*",
    "train a model", "train the model", "train our model", "train a classifier",
    "training data", "training a model", "train a model|classifier|network|ranker", "retrain*", "feature store*", "gpu",
    "gpus", "inference", "lora", "qlora", "diffusion model*", "stable diffusion",
    "computer vision", "ocr", "speech to text", "whisper", "tts", "text to speech",
    "prompt engineering", "system prompt", "few shot", "zero shot", "chain of thought",
    "knowledge graph*", "recommender system*", "recommendation engine*",
    "recommendation algorithm*", "ranking model*", "two tower", "sentiment analysis",
    "named entity", "ner", "topic model*", "anomaly detection", "time series model*",
    "forecasting model*", "predictive model*", "propensity model*", "churn model*",
    "open source model*", "hugging face", "huggingface", "pytorch", "tensorflow",
    "sagemaker", "vertex ai", "openai api", "distillation", "quantiz*",
    "model architecture", "attention mechanism", "multimodal model*", "vision model*",
    "vlm", "agentic framework", "langchain", "llamaindex", "tokenizer", "context window",
    "mixture of experts", "multi armed bandit", "contextual bandit*", "a neural", "supervised learning",
    "unsupervised learning", "self supervised", "contrastive", "cosine similarity",
    "nearest neighbor*", "knn", "svm", "naive bayes", "ml pipeline", "ml pipelines",
    "machine learning pipeline", "model training", "model serving", "mlops", "hyperparameter*",
]

# "model" / "algorithm" alone: tech only outside these non-ML senses and deferrals.
MODEL_WORDS = ["model", "models", "algorithm", "algorithms", "algo", "algos",
               "machine learning", "ml", "ai model", "neural"]
NON_ML_MODIFIERS = frozenset(
    """business pricing role mental operating revenue subscription freemium delivery
    engagement service staffing threat data financial economic cost governance partnership
    distribution go-to-market gtm sales commission franchise hybrid maturity care
    support hub spoke agency licensing platform marketplace ownership""".split()
)
ML_CONTEXT = [
    "train|trains|trained|training", "fine", "predict*", "classif*", "deploy*", "infer*",
    "accuracy", "weights", "parameters", "learns", "learn from", "build a model",
    "the model would", "the model will", "model that", "model to", "model can", "model could",
    "model outputs", "model output", "model's", "algorithm that", "algorithm to",
    "algorithm would", "recommendation", "ranking", "nlp", "ml", "ai",
]
# Cues that turn a nearby tech word into a deferral ("before we pick an algorithm").
DEFER_BEFORE = [
    "before", "won't|wont|wouldn't|wouldnt|not|don't|dont|never|avoid|resist",
    "rather than", "instead of", "regardless of", "no matter which", "whichever",
    "not about", "isn't about", "without getting into", "without jumping to",
    "tempting to", "temptation", "agnostic", "premature*", "worry about", "obsess*",
]
DEFER_AFTER = [
    "later", "come back", "comes later", "come later", "until", "not yet", "doesn't matter",
    "does not matter", "is secondary", "are secondary", "is an implementation detail",
    "can wait", "is premature", "is the last", "last step", "for later",
]

SOLUTION = [
    "i'd|id|i|we'd|we|let's|lets|you'd|i'll|we'll build|create|add|launch|ship|design|introduce|implement|develop|offer|make|deploy|roll|release|provide|integrate|embed|automate|surface|propose|pilot|prototype",
    "i|we would|could|will|can|should|might build|create|add|launch|ship|design|introduce|implement|develop|offer|make|deploy|roll|release|provide|integrate|embed|automate|surface|propose|pilot|prototype",
    "i|we would|could|will|can|should start by building|adding|creating|launching",
    "my|our|the|a solution", "solution is|would|could|here", "solutions are", "the fix",
    "feature|tool|assistant|chatbot|bot|copilot|app|agent|dashboard|system|widget|plugin|extension|integration|service|product|platform|model|feed|button|mode|panel that|which|to|where|for",
    "chatbot|chatbots|copilot", "a chat bot", "the mvp", "mvp would|is|will", "for the mvp",
    "our mvp", "my mvp", "an mvp", "v1 would|is|will", "in v1", "first version would",
    "idea is to", "the idea is", "what i'd build", "what we'd build", "here's what i'd",
    "concretely i'd", "proposal is", "my proposal", "i propose", "we propose",
    "smart reply|replies|compose|suggestions|suggest|summaries|summary|search|assistant|inbox|scheduling|routing|triage|tagging",
    "auto draft|drafts|complete|completion|summarize|summarise|categorize|categorise|reply|replies|generated|tag|tagging|fill",
]

TRADEOFF = [
    "trade off*", "tradeoff*", "vs", "versus", "on the other hand", "at the cost of",
    "at the expense of", "downside*", "upside*", "pros and cons", "pro and con", "cons",
    "the cost is", "costs more", "cheaper but", "faster but", "slower but",
    "balance*", "balancing", "in exchange", "sacrific*", "compromise*", "instead of",
    "rather than", "option a", "option b", "alternatively", "alternative*", "weigh*",
    "precision vs recall", "precision versus recall", "build vs buy", "build versus buy",
    "either", "choose between", "chose between", "i'd prioritize", "i would prioritize",
    "i'd prioritise", "prioritize * over", "prioritise * over", "over optimiz*", "tension",
    "not doing", "out of scope", "leave out", "leaves out", "left out", "won't do",
    "defer", "deprioritiz*", "deprioritis*", "v2",
]

RISK = [
    "risk*", "hallucinat*", "bias*", "biased", "fairness", "privacy", "private data",
    "safety", "unsafe", "harm*", "misuse", "abuse", "failure mode*", "edge case*",
    "if the model is wrong", "when the model is wrong", "wrong answer*", "wrong output*",
    "mistake*", "compliance", "regulat*", "pii", "hipaa", "gdpr", "ferpa", "soc 2", "soc2",
    "security", "leak*", "toxic*", "drift", "jailbreak*", "prompt injection", "liability",
    "legal", "consent", "trust", "misinformation", "over reliance", "overreliance",
    "adversarial", "fraud", "spam", "downside risk", "what could go wrong", "failure*",
    "offensive", "inappropriate", "dangerous",
]

FAILURE_PLAN = [
    "human review*", "human in the loop", "humans in the loop", "human oversight",
    "human approval", "human approves", "a human", "manual review", "review queue",
    "confidence threshold*", "confidence score*", "low confidence", "high confidence",
    "confidence below", "fallback*", "fall back", "falls back", "escalat*", "hand off",
    "handoff", "hand over to", "route to a", "routed to a", "when the model is wrong",
    "if the model is wrong", "when it's wrong", "when it is wrong", "if it's wrong",
    "if it is wrong", "when it gets it wrong", "if it gets it wrong", "undo", "override*",
    "edit before", "edits before", "approve before", "approves before", "flag for review",
    "flagged for review", "abstain", "say i don't know", "says i don't know", "refuse",
    "graceful*", "kill switch", "roll back", "rollback", "show sources", "cite sources",
    "citations", "show the source", "uncertainty", "disclaimer*", "opt out", "safe default",
    "feedback loop", "report a problem", "thumbs down",
]

WHY_AI = [
    "why ai", "why use ai", "why machine learning", "why ml", "rules can't", "rules cannot",
    "rules won't", "rules wouldn't", "rule based", "rules based", "heuristic*", "if then",
    "manual process", "manually today", "by hand", "doesn't scale", "does not scale",
    "can't scale", "at scale", "too many variations", "too varied", "unstructured",
    "free text", "natural language", "language understanding", "ai is good at",
    "ai is well suited", "ai makes sense", "ai is the right", "ai adds", "ai helps because",
    "because ai", "because the model", "because a model", "a model can", "ai can",
    "llms are good at", "llms can", "personalize at scale", "without ai", "instead of rules",
    "non ai", "simpler solution", "simple rules", "search alone", "keyword search",
]

SEEKS_VALIDATION = [
    "what do you think", "what would you", "does that make sense", "does this make sense",
    "is that what you're looking for", "is that what you are looking for", "is that okay",
    "is that ok", "is that right", "am i on the right track", "should i go", "should i focus",
    "should i continue", "should i dive", "should i talk", "would you like me to",
    "do you want me to", "which would you prefer", "which do you prefer", "which one would you",
    "does that sound", "sound good", "sounds good to you", "would you agree",
    "does that answer", "is this the direction", "let me know if", "what's your take",
    "what is your take", "do you agree", "right?",
]

FRAMEWORK_NAMES = ["circles", "circles method", "rice", "heart framework", "heart", "aarrr",
                   "pirate metrics", "star method", "jobs to be done framework", "moscow",
                   "kano", "ice score", "design thinking"]
FRAMEWORK_STEPS = [
    "comprehend the situation", "identify the customer", "report the customer's needs",
    "report customer needs", "report the needs", "cut through prioritization",
    "cut through prioritisation", "list solutions", "list the solutions",
    "evaluate tradeoffs", "evaluate trade offs", "summarize", "summarise", "reach", "impact",
    "confidence", "effort", "happiness", "engagement", "adoption", "retention", "task success",
    "acquisition", "activation", "referral", "revenue",
]

FILLERS = ["um", "umm", "uh", "uhh", "er", "erm", "hmm", "like", "you know", "i mean",
           "kind of", "sort of", "basically", "actually", "literally", "so yeah", "yeah so",
           "right so", "okay so", "anyway"]

SUMMARY = ["in summary", "to summarize", "to summarise", "to sum up", "summing up",
           "in short", "to recap", "recap", "in conclusion", "overall", "bottom line",
           "tl dr", "tldr", "so to wrap up", "to wrap up", "wrapping up", "net net"]

SIGNPOST = ["first", "firstly", "second", "secondly", "third", "thirdly", "next", "then",
            "finally", "lastly", "step #", "phase #", "#st", "#nd", "#rd"]

BUZZWORDS = ["synergy", "synergies", "leverage", "leveraging", "paradigm", "cutting edge",
             "state of the art", "sota", "best in class", "world class", "game changer",
             "game changing", "disrupt*", "revolutionary", "next gen", "next generation",
             "bleeding edge", "holistic", "seamless*", "robust", "scalable", "end to end",
             "ai powered", "ai driven", "hyper personaliz*", "10x", "moonshot"]

FOREIGN_STOPWORDS = frozenset(
    """el la los las del que por para con una uno es en se su sus pero como más muy también
    der die das und ist nicht mit ein eine den dem zu für auf sich auch wir sie ich
    le les des une est dans pour avec pas sur qui nous vous sont aussi plus
    o os um uma não com para são também mais
    il di che non della sono anche per con
    het een van niet ook zijn wij""".split()
)

ENGLISH_STOPWORDS = frozenset(
    """the a an and or but of to in on for with is are was were be been it this that these
    those i we you they he she my our your their what which who how why when where would
    could should will can do does did not no yes so as at by from if then than there here
    about into over under more most some any all each just also very have has had get make
    user users people""".split()
)

# Organisations as customers (B2B segments): "small law firms", "rural clinics".
ORG_TYPES = """hospital clinic practice pharmacy school university college district law firm
firm agency startup start-up restaurant cafe bakery store shop boutique warehouse factory
plant bank credit union insurer carrier retailer nonprofit non-profit charity municipality
council hotel airline dealership brokerage gym studio salon franchise newsroom publisher
library museum church farm co-op cooperative lab laboratory call center contact center
3pl manufacturer distributor wholesaler supplier landlord utility""".split()

# Verbs and nouns that make a bare number a success measure ("cut it by 30%").
METRIC_CUES = [
    "measure*", "track*", "metric*", "kpi*", "target*", "goal*", "success", "north star",
    "increase*", "reduce*", "reduction", "decrease*", "improve*", "improvement", "lift",
    "cut", "raise", "lower", "boost", "grow", "drop*", "from", "hit", "reach", "achieve",
    "benchmark", "baseline", "okr*",
]
