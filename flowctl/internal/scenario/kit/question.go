package kit

// Question is one of the five questions to ask before choosing events. The
// scenarios say which of their metrics answer which (Answer); the report
// asks them in this order.
type Question int

// The questions (five in the article; Scale is its opening one, which only
// a measurement answers).
const (
	Coupling Question = iota + 1
	Consistency
	DelayedMessage
	OperateBroker
	Auditability
	// Scale is the article's first question, asked last here: it is
	// answered by measuring, on the machine or cluster the team has.
	Scale
)

// Asked is a question's text: the question and why it matters.
type Asked struct {
	Question Question
	Ask, Why string
}

// Questions are the questions, in the order the report asks them.
var Questions = []Asked{
	{Coupling, "What coupling problem are you solving?",
		"Events decouple availability and latency: with a service down, slow or being redeployed, can orders still be placed, and how fast is the answer? And can a new consumer learn the past without asking the producer?"},
	{Consistency, "Can your domain tolerate eventual consistency?",
		"With events the first answer is provisional: how often does a read right after the write show the old state, how long until the status is final, and how many customers told 'accepted' learn later that their order was rejected?"},
	{DelayedMessage, "What does a delayed or dropped message cost?",
		"When the broker is down or a message cannot be handled, orders wait: count how many, and for how long. When a message is dropped (a crash between the commit and the publish), an order waits forever."},
	{OperateBroker, "Can your team operate a broker?",
		"Events add a broker to run, messages to retry or dead-letter, and traces to follow across services."},
	{Auditability, "Is auditability worth it?",
		"An event log can be replayed to rebuild state or to audit an order: what did that take here?"},
	{Scale, "A real problem at your scale?",
		"Events scale a consumer by its partitions and sync a service behind a load balancer: what did three replicas instead of one buy, what did the change cost while it happened, and how many cores did the run have to give them?"},
}

// Answer is a scenario's evidence for one question: the metrics that answer
// it, in the order the answer quotes them. Place orders the scenarios that
// answer the same question (1 first): the most direct evidence leads.
type Answer struct {
	Question Question
	Place    int
	Keys     []MetricKey
	// Says, when set, is the answer in plain words for one mode's outcome,
	// with its n and units ("102 of 254 orders failed during the deploy");
	// "" when the outcome lacks a number it needs (an older recording), and
	// the report then lists the Keys' values.
	Says func(o Outcome) string
}
