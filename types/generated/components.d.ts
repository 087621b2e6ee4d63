import type { Schema, Struct } from '@strapi/strapi';

export interface CounselingSession extends Struct.ComponentSchema {
  collectionName: 'components_counseling_sessions';
  info: {
    description: 'One counselling session, in order';
    displayName: '\u8F85\u5BFC\u8FC7\u7A0B Session';
  };
  attributes: {
    focus: Schema.Attribute.String &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 200;
      }>;
    observation: Schema.Attribute.Text &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 4000;
      }>;
    whatWasDone: Schema.Attribute.Text &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 4000;
      }>;
  };
}

export interface LessonStep extends Struct.ComponentSchema {
  collectionName: 'components_lesson_steps';
  info: {
    description: 'One step of a lesson, in order';
    displayName: '\u6559\u5B66\u73AF\u8282 Lesson step';
  };
  attributes: {
    designIntent: Schema.Attribute.Text &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 2000;
      }>;
    minutes: Schema.Attribute.Integer &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMax<
        {
          max: 180;
          min: 1;
        },
        number
      >;
    phase: Schema.Attribute.Enumeration<
      ['warm_up', 'activity', 'sharing', 'summary']
    > &
      Schema.Attribute.Required;
    studentActivities: Schema.Attribute.Text &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 4000;
      }>;
    teacherActions: Schema.Attribute.Text &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 4000;
      }>;
  };
}

export interface PsychodramaRole extends Struct.ComponentSchema {
  collectionName: 'components_psychodrama_roles';
  info: {
    description: 'A role in a psychodrama script';
    displayName: '\u89D2\u8272 Role';
  };
  attributes: {
    description: Schema.Attribute.Text &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 1000;
      }>;
    isProtagonist: Schema.Attribute.Boolean &
      Schema.Attribute.Required &
      Schema.Attribute.DefaultTo<false>;
    name: Schema.Attribute.String &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 60;
      }>;
  };
}

export interface PsychodramaScene extends Struct.ComponentSchema {
  collectionName: 'components_psychodrama_scenes';
  info: {
    description: 'A scene of a psychodrama script';
    displayName: '\u573A\u666F Scene';
  };
  attributes: {
    script: Schema.Attribute.Text &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 20000;
      }>;
    setting: Schema.Attribute.Text &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 1000;
      }>;
    title: Schema.Attribute.String &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 120;
      }>;
  };
}

export interface SelectionCriterion extends Struct.ComponentSchema {
  collectionName: 'components_selection_criteria';
  info: {
    description: "One scored criterion of a selection round's rubric";
    displayName: '\u8BC4\u5206\u6807\u51C6 Rubric criterion';
  };
  attributes: {
    key: Schema.Attribute.String &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 40;
      }>;
    maxScore: Schema.Attribute.Integer &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMax<
        {
          max: 1000;
          min: 1;
        },
        number
      >;
    minScore: Schema.Attribute.Integer &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMax<
        {
          max: 1000;
          min: 0;
        },
        number
      >;
    name: Schema.Attribute.String &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 60;
      }>;
    weight: Schema.Attribute.Decimal &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMax<
        {
          max: 100;
          min: 0.01;
        },
        number
      >;
  };
}

export interface TrainingModule extends Struct.ComponentSchema {
  collectionName: 'components_training_modules';
  info: {
    description: 'A module of a training course and its credit hours';
    displayName: '\u57F9\u8BAD\u6A21\u5757 Course module';
  };
  attributes: {
    hours: Schema.Attribute.Decimal &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMax<
        {
          max: 200;
          min: 0.5;
        },
        number
      >;
    title: Schema.Attribute.String &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 120;
      }>;
  };
}

declare module '@strapi/strapi' {
  export namespace Public {
    export interface ComponentSchemas {
      'counseling.session': CounselingSession;
      'lesson.step': LessonStep;
      'psychodrama.role': PsychodramaRole;
      'psychodrama.scene': PsychodramaScene;
      'selection.criterion': SelectionCriterion;
      'training.module': TrainingModule;
    }
  }
}
