//! `EventType`: every history event type AWS Step Functions defines, under AWS's own names, with
//! what UIs ask of one (the state type it belongs to, whether it enters, leaves or fails a
//! state). The only place where event names are spelled out: the engine, the CLI, the JS API
//! and the playground all go through this enum.

use stepwise_asl::model::Kind;

/// A state's type (`Type` in ASL), as history events name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StateType {
    Pass,
    Task,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
}

impl StateType {
    pub fn of(kind: &Kind) -> StateType {
        match kind {
            Kind::Pass { .. } => StateType::Pass,
            Kind::Task(_) => StateType::Task,
            Kind::Choice(_) => StateType::Choice,
            Kind::Wait(_) => StateType::Wait,
            Kind::Succeed => StateType::Succeed,
            Kind::Fail(_) => StateType::Fail,
            Kind::Parallel(_) => StateType::Parallel,
            Kind::Map(_) => StateType::Map,
        }
    }

    /// AWS's spelling (`Task`, `Map`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            StateType::Pass => "Pass",
            StateType::Task => "Task",
            StateType::Choice => "Choice",
            StateType::Wait => "Wait",
            StateType::Succeed => "Succeed",
            StateType::Fail => "Fail",
            StateType::Parallel => "Parallel",
            StateType::Map => "Map",
        }
    }
}

/// What an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    /// The execution as a whole (`ExecutionStarted`, ...).
    Execution,
    /// A state itself (`<Type>StateEntered`, `MapStateStarted`, ...).
    State(StateType),
    /// The work of a Task state: a service integration (`Task…`), an activity or a Lambda function.
    Task,
    Activity,
    Lambda,
    /// One iteration of an inline Map.
    MapIteration,
    /// The Map Run of a Distributed Map.
    MapRun,
    /// A JSONata expression that failed (`EvaluationFailed`).
    Evaluation,
}

/// Where in its subject's life an event stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    Entered,
    Exited,
    Scheduled,
    Started,
    Submitted,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
    ScheduleFailed,
    StartFailed,
    SubmitFailed,
    Redriven,
}

macro_rules! event_types {
    ($($variant:ident => $subject:expr, $stage:ident;)*) => {
        /// A history event's type. Serialized (serde, `as_str`) as AWS's name for it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum EventType {
            $($variant,)*
        }

        impl EventType {
            /// Every type AWS defines, in declaration order (emitted or not by this engine).
            pub const ALL: &'static [EventType] = &[$(EventType::$variant,)*];

            /// AWS's name (`PassStateEntered`, `TaskScheduled`, ...).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(EventType::$variant => stringify!($variant),)*
                }
            }

            pub fn subject(self) -> Subject {
                use Subject::*;
                match self {
                    $(EventType::$variant => $subject,)*
                }
            }

            pub fn stage(self) -> Stage {
                match self {
                    $(EventType::$variant => Stage::$stage,)*
                }
            }
        }
    };
}

use StateType as S;
event_types! {
    ActivityFailed => Activity, Failed;
    ActivityScheduled => Activity, Scheduled;
    ActivityScheduleFailed => Activity, ScheduleFailed;
    ActivityStarted => Activity, Started;
    ActivitySucceeded => Activity, Succeeded;
    ActivityTimedOut => Activity, TimedOut;
    ChoiceStateEntered => State(S::Choice), Entered;
    ChoiceStateExited => State(S::Choice), Exited;
    ExecutionAborted => Execution, Aborted;
    ExecutionFailed => Execution, Failed;
    ExecutionStarted => Execution, Started;
    ExecutionSucceeded => Execution, Succeeded;
    ExecutionTimedOut => Execution, TimedOut;
    FailStateEntered => State(S::Fail), Entered;
    LambdaFunctionFailed => Lambda, Failed;
    LambdaFunctionScheduled => Lambda, Scheduled;
    LambdaFunctionScheduleFailed => Lambda, ScheduleFailed;
    LambdaFunctionStarted => Lambda, Started;
    LambdaFunctionStartFailed => Lambda, StartFailed;
    LambdaFunctionSucceeded => Lambda, Succeeded;
    LambdaFunctionTimedOut => Lambda, TimedOut;
    MapIterationAborted => MapIteration, Aborted;
    MapIterationFailed => MapIteration, Failed;
    MapIterationStarted => MapIteration, Started;
    MapIterationSucceeded => MapIteration, Succeeded;
    MapStateAborted => State(S::Map), Aborted;
    MapStateEntered => State(S::Map), Entered;
    MapStateExited => State(S::Map), Exited;
    MapStateFailed => State(S::Map), Failed;
    MapStateStarted => State(S::Map), Started;
    MapStateSucceeded => State(S::Map), Succeeded;
    ParallelStateAborted => State(S::Parallel), Aborted;
    ParallelStateEntered => State(S::Parallel), Entered;
    ParallelStateExited => State(S::Parallel), Exited;
    ParallelStateFailed => State(S::Parallel), Failed;
    ParallelStateStarted => State(S::Parallel), Started;
    ParallelStateSucceeded => State(S::Parallel), Succeeded;
    PassStateEntered => State(S::Pass), Entered;
    PassStateExited => State(S::Pass), Exited;
    SucceedStateEntered => State(S::Succeed), Entered;
    SucceedStateExited => State(S::Succeed), Exited;
    TaskFailed => Task, Failed;
    TaskScheduled => Task, Scheduled;
    TaskStarted => Task, Started;
    TaskStartFailed => Task, StartFailed;
    TaskStateAborted => State(S::Task), Aborted;
    TaskStateEntered => State(S::Task), Entered;
    TaskStateExited => State(S::Task), Exited;
    TaskSubmitFailed => Task, SubmitFailed;
    TaskSubmitted => Task, Submitted;
    TaskSucceeded => Task, Succeeded;
    TaskTimedOut => Task, TimedOut;
    WaitStateAborted => State(S::Wait), Aborted;
    WaitStateEntered => State(S::Wait), Entered;
    WaitStateExited => State(S::Wait), Exited;
    MapRunAborted => MapRun, Aborted;
    MapRunFailed => MapRun, Failed;
    MapRunStarted => MapRun, Started;
    MapRunSucceeded => MapRun, Succeeded;
    ExecutionRedriven => Execution, Redriven;
    MapRunRedriven => MapRun, Redriven;
    EvaluationFailed => Evaluation, Failed;
}

impl EventType {
    /// The type named `name` (AWS's spelling), if AWS defines one.
    pub fn parse(name: &str) -> Option<EventType> {
        EventType::ALL.iter().copied().find(|t| t.as_str() == name)
    }

    /// `<Type>StateEntered` for a state of this type.
    pub fn state_entered(t: StateType) -> EventType {
        match t {
            S::Pass => EventType::PassStateEntered,
            S::Task => EventType::TaskStateEntered,
            S::Choice => EventType::ChoiceStateEntered,
            S::Wait => EventType::WaitStateEntered,
            S::Succeed => EventType::SucceedStateEntered,
            S::Fail => EventType::FailStateEntered,
            S::Parallel => EventType::ParallelStateEntered,
            S::Map => EventType::MapStateEntered,
        }
    }

    /// `<Type>StateExited` for a state of this type; `None` for a Fail state, which AWS never
    /// shows leaving (it ends its execution, branch or iteration).
    pub fn state_exited(t: StateType) -> Option<EventType> {
        Some(match t {
            S::Pass => EventType::PassStateExited,
            S::Task => EventType::TaskStateExited,
            S::Choice => EventType::ChoiceStateExited,
            S::Wait => EventType::WaitStateExited,
            S::Succeed => EventType::SucceedStateExited,
            S::Fail => return None,
            S::Parallel => EventType::ParallelStateExited,
            S::Map => EventType::MapStateExited,
        })
    }

    /// The type of state the event belongs to: its own for state events, `Task` for the work
    /// of a Task (service, activity, Lambda), `Map` for iterations and Map Runs; `None` for
    /// execution and evaluation events.
    pub fn state_type(self) -> Option<StateType> {
        match self.subject() {
            Subject::State(t) => Some(t),
            Subject::Task | Subject::Activity | Subject::Lambda => Some(S::Task),
            Subject::MapIteration | Subject::MapRun => Some(S::Map),
            Subject::Execution | Subject::Evaluation => None,
        }
    }

    /// `<Type>StateEntered`.
    pub fn is_state_entered(self) -> bool {
        matches!(self.subject(), Subject::State(_)) && self.stage() == Stage::Entered
    }

    /// `<Type>StateExited`.
    pub fn is_state_exited(self) -> bool {
        matches!(self.subject(), Subject::State(_)) && self.stage() == Stage::Exited
    }

    /// Something failed or timed out (a task, a state, an iteration, an evaluation, the
    /// execution): the events whose details carry `error` and `cause`.
    pub fn is_failure(self) -> bool {
        matches!(
            self.stage(),
            Stage::Failed
                | Stage::TimedOut
                | Stage::ScheduleFailed
                | Stage::StartFailed
                | Stage::SubmitFailed
        )
    }

    /// Something succeeded (a task, a Map, an iteration, the execution).
    pub fn is_success(self) -> bool {
        self.stage() == Stage::Succeeded
    }

    /// Something was aborted (an iteration cut short, a state or the execution stopped).
    pub fn is_aborted(self) -> bool {
        self.stage() == Stage::Aborted
    }

    /// An attempt of a state's work begins (`…Scheduled`, `…Started`): after a failure, a retry.
    pub fn is_attempt_start(self) -> bool {
        matches!(self.stage(), Stage::Scheduled | Stage::Started)
    }

    /// The execution ended: succeeded, failed, timed out or aborted.
    pub fn ends_execution(self) -> bool {
        self.subject() == Subject::Execution
            && !matches!(self.stage(), Stage::Started | Stage::Redriven)
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for EventType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        EventType::parse(s).ok_or_else(|| format!("unknown history event type {s:?}"))
    }
}

impl serde::Serialize for EventType {
    fn serialize<Se: serde::Serializer>(&self, s: Se) -> Result<Se::Ok, Se::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for EventType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(d)?;
        EventType::parse(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown history event type {name:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_parse_back() {
        let mut names: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(names.len(), 62, "AWS's HistoryEventType lists 62 values");
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(*t));
            let json = serde_json::to_string(t).unwrap();
            assert_eq!(json, format!("\"{t}\""));
            assert_eq!(serde_json::from_str::<EventType>(&json).unwrap(), *t);
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), EventType::ALL.len());
        assert!(EventType::parse("StateEntered").is_none());
        assert!(serde_json::from_str::<EventType>("\"Nope\"").is_err());
    }

    #[test]
    fn entered_and_exited_name_the_state_type() {
        for t in [
            S::Pass,
            S::Task,
            S::Choice,
            S::Wait,
            S::Succeed,
            S::Fail,
            S::Parallel,
            S::Map,
        ] {
            let entered = EventType::state_entered(t);
            assert_eq!(entered.as_str(), format!("{}StateEntered", t.as_str()));
            assert!(entered.is_state_entered() && !entered.is_state_exited());
            assert_eq!(entered.state_type(), Some(t));
            if let Some(exited) = EventType::state_exited(t) {
                assert_eq!(exited.as_str(), format!("{}StateExited", t.as_str()));
                assert!(exited.is_state_exited());
            }
        }
        assert_eq!(EventType::state_exited(S::Fail), None);
    }

    /// The classifications agree with the names (what the UIs used to read off the strings).
    #[test]
    fn classifications_match_the_names() {
        for t in EventType::ALL {
            let n = t.as_str();
            assert_eq!(t.is_state_entered(), n.ends_with("StateEntered"), "{n}");
            assert_eq!(t.is_state_exited(), n.ends_with("StateExited"), "{n}");
            assert_eq!(
                t.is_failure(),
                n.ends_with("Failed") || n.ends_with("TimedOut"),
                "{n}"
            );
            assert_eq!(t.is_success(), n.ends_with("Succeeded"), "{n}");
            assert_eq!(t.is_aborted(), n.ends_with("Aborted"), "{n}");
            assert_eq!(
                t.is_attempt_start(),
                n.ends_with("Scheduled") || n.ends_with("Started"),
                "{n}"
            );
            if let Some(s) = t
                .state_type()
                .filter(|_| matches!(t.subject(), Subject::State(_)))
            {
                assert!(n.starts_with(s.as_str()), "{n}");
            }
        }
        assert_eq!(EventType::TaskScheduled.state_type(), Some(S::Task));
        assert_eq!(EventType::LambdaFunctionFailed.state_type(), Some(S::Task));
        assert_eq!(EventType::MapIterationStarted.state_type(), Some(S::Map));
        assert_eq!(EventType::ExecutionFailed.state_type(), None);
        assert!(EventType::ExecutionAborted.ends_execution());
        assert!(!EventType::ExecutionStarted.ends_execution());
    }
}
